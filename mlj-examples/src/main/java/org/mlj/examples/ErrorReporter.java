package org.mlj.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import org.mlj.api.MljException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on the command's error stream and an exit code: 2 for a wrong
 * command line, 1 for anything else. mlj's exceptions and I/O errors are the user's to fix and print
 * their message alone; other exceptions also name their type. {@code --verbose} adds the stack trace.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    private static final String VERBOSE = "--verbose";

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("Error: " + firstLine(ex.getMessage()) + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
        if (List.of(args).contains(VERBOSE)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        err.println("Error: " + describe(ex));
        if (verbose(parseResult)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return command.getCommandSpec().exitCodeOnExecutionException();
    }

    /** The one-line description of a failure. */
    static String describe(Throwable failure) {
        if (failure instanceof UncheckedIOException unchecked) {
            return describe(unchecked.getCause());
        }
        if (failure instanceof NoSuchFileException missing) {
            return "No such file: " + missing.getFile();
        }
        if (failure instanceof AccessDeniedException denied) {
            return "Permission denied: " + denied.getFile();
        }
        String message = failure.getMessage() == null ? "" : firstLine(failure.getMessage());
        if (failure instanceof MljException || failure instanceof IOException) {
            return message.isEmpty() ? failure.getClass().getSimpleName() : message;
        }
        return failure.getClass().getName() + (message.isEmpty() ? "" : ": " + message)
                + " (run with --verbose for the stack trace)";
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
            if (result.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }
}
