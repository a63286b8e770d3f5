package org.mlj.examples;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code mlj} command line: runs Keras models in the JVM with the backends on the classpath.
 * {@link #main} wires the commands with Guice ({@link ExamplesModule}); {@link #commandLine} does
 * the same for an injector of the caller's, which is how the tests run the commands in-process.
 */
@Command(name = "mlj", usageHelpAutoWidth = true,
        description = {"Runs Keras 3 models inside the JVM with pluggable backends (tensorflow, dl4j).", ""},
        subcommands = {DemoCommand.class, InspectCommand.class, RunCommand.class, DigitsCommand.class,
                SentimentCommand.class, ActivationsCommand.class, ServeCommand.class})
public final class MljCommand implements Callable<Integer> {
    private static final String JAVACPP_LOGGER = "org.bytedeco.javacpp.logger";

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
    boolean verbose;

    /** Without a command: prints the usage and exits with the usage-error code. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return spec.exitCodeOnInvalidInput();
    }

    /** The command line with commands built by {@code injector}, reporting errors as one line each. */
    public static CommandLine commandLine(Injector injector) {
        ErrorReporter errors = new ErrorReporter();
        return new CommandLine(MljCommand.class, new GuiceFactory(injector))
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
    }

    /**
     * Runs {@code mlj} with the repository root from {@code -Dmlj.root} and exits with the command's code.
     * Pictures are drawn without a display, and JavaCPP's native-library messages go through SLF4J
     * (quiet at the default level) instead of straight to standard error.
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        if (System.getProperty(JAVACPP_LOGGER) == null) {
            System.setProperty(JAVACPP_LOGGER, "slf4j");
        }
        Injector injector = Guice.createInjector(new ExamplesModule(Workspace.fromSystemProperties()));
        System.exit(commandLine(injector).execute(args));
    }
}
