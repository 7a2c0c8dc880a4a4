package dev.slipway.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * One javac finding, positioned the way the IDE shows it: project-relative file, 1-based line and
 * column counted in UTF-16 units with a tab as one column (as Monaco counts).
 */
record CompileDiagnostic(
        String file, long line, long column, long endLine, long endColumn, String severity, String message,
        String code) {

    static CompileDiagnostic of(Diagnostic<? extends JavaFileObject> diagnostic, LauncherOptions.BuildLayout layout) {
        String severity = switch (diagnostic.getKind()) {
            case ERROR -> "error";
            case WARNING, MANDATORY_WARNING -> "warning";
            default -> "info";
        };
        String message = diagnostic.getMessage(Locale.ROOT);
        String code = diagnostic.getCode();
        JavaFileObject source = diagnostic.getSource();
        if (source == null) {
            return new CompileDiagnostic("", 0, 0, 0, 0, severity, message, code);
        }
        String file = layout.projectRelative(Path.of(source.toUri()));
        CharSequence text = content(source);
        long[] start =
                position(text, diagnostic.getPosition(), diagnostic.getLineNumber(), diagnostic.getColumnNumber());
        long[] end = position(text, diagnostic.getEndPosition(), start[0], start[1]);
        if (end[0] < start[0] || (end[0] == start[0] && end[1] < start[1])) {
            end = start;
        }
        return new CompileDiagnostic(file, start[0], start[1], end[0], end[1], severity, message, code);
    }

    Json toJson() {
        return new Json().put("file", file).put("line", line).put("column", column).put("endLine", endLine)
                .put("endColumn", endColumn).put("severity", severity).put("message", message).put("code", code);
    }

    private static CharSequence content(JavaFileObject source) {
        try {
            return source.getCharContent(true);
        } catch (IOException e) {
            return "";
        }
    }

    /** Line and column of a character offset; falls back when javac has no position. */
    private static long[] position(CharSequence text, long offset, long fallbackLine, long fallbackColumn) {
        if (offset == Diagnostic.NOPOS || offset > text.length()) {
            return new long[] {Math.max(1, fallbackLine), Math.max(1, fallbackColumn)};
        }
        long line = 1;
        long lineStart = 0;
        for (int i = 0; i < offset; i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return new long[] {line, offset - lineStart + 1};
    }
}
