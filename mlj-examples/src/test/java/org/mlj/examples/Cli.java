package org.mlj.examples;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.mlj.api.testing.ModelFixtures;
import picocli.CommandLine;

/** Runs mlj commands in-process, as {@code ./mlj} would, and captures what they print. */
final class Cli {
    private static Injector injector;

    private Cli() {
    }

    /**
     * What one command did.
     *
     * @param exitCode the exit code
     * @param out standard output
     * @param err standard error
     */
    record Result(int exitCode, String out, String err) {
    }

    /** Runs {@code mlj args...} with every backend on the test classpath and the repository's models and samples. */
    static Result run(String... args) {
        return run(injector(), args);
    }

    /** Runs {@code mlj args...} with the commands built by {@code injector}. */
    static Result run(Injector injector, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = MljCommand.commandLine(injector);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** The workspace of the repository: models/ and samples/ at its root. */
    static Workspace workspace() {
        return new Workspace(ModelFixtures.root());
    }

    private static synchronized Injector injector() {
        if (injector == null) {
            injector = Guice.createInjector(new ExamplesModule(workspace()));
        }
        return injector;
    }
}
