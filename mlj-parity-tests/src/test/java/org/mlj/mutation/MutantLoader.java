package org.mlj.mutation;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.mlj.api.LoadOptions;
import org.mlj.api.MljException;
import org.mlj.api.Model;
import org.mlj.api.Models;

/**
 * The child JVM of {@link MutationHarness}: reads {@code backend<TAB>path} lines from stdin, loads each
 * model with that backend and closes it, and answers one line per model on stdout:
 * {@code RESULT<TAB>LOADED|TYPED|UNTYPED<TAB>class<TAB>message}. A native crash ends the process
 * without an answer; a hang leaves the answer missing: the parent sees both.
 */
public final class MutantLoader {
    private MutantLoader() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] parts = line.split("\t", 2);
            LoadOptions options = LoadOptions.builder().backend(parts[0])
                    .options("dl4j".equals(parts[0]) ? java.util.Map.of("dl4j.importTimeoutSeconds", 20) : java.util.Map.of()).build();
            String kind;
            Throwable failure = null;
            try (Model model = Models.load(Path.of(parts[1]), options)) {
                model.signatures();
                kind = "LOADED";
            } catch (MljException e) {
                kind = e.getMessage() == null || e.getMessage().isBlank() ? "UNTYPED" : "TYPED";
                failure = e;
            } catch (Throwable e) {
                kind = "UNTYPED";
                failure = e;
            }
            String message = failure == null ? "" : String.valueOf(failure.getMessage()).replaceAll("\\s+", " ");
            out.println("RESULT\t" + kind + "\t" + (failure == null ? "" : failure.getClass().getName()) + "\t"
                    + message.substring(0, Math.min(300, message.length())));
        }
    }
}
