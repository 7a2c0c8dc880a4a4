package com.example.purchases;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Small helpers for writing HTML pages: escaping, the page frame, and number and date formats. */
final class Html {
    private static final DateTimeFormatter TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Html() {}

    /** Escapes text for HTML content and attribute values. Use it on everything that is not a literal. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** An amount with thousands separators and two decimals, e.g. {@code 1,250.00}. */
    static String money(BigDecimal amount) {
        NumberFormat format = NumberFormat.getNumberInstance(Locale.US);
        format.setMinimumFractionDigits(2);
        format.setMaximumFractionDigits(2);
        return format.format(amount);
    }

    static String time(Instant instant) {
        return TIME_FORMAT.format(instant);
    }

    /** Sends a complete page; {@code title} is escaped here, {@code bodyHtml} must already be safe HTML. */
    static void send(HttpServletRequest request, HttpServletResponse response, int status, String title, String bodyHtml)
            throws IOException {
        String root = escape(request.getContextPath());
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().print("""
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <title>%1$s · Purchase requests</title>
                  <link rel="stylesheet" href="%2$s/css/app.css">
                </head>
                <body>
                  <header class="top-bar">
                    <a class="brand" href="%2$s/requests">Purchase requests</a>
                    <a class="top-action" href="%2$s/requests/new">+ New</a>
                  </header>
                  <main>
                %3$s
                  </main>
                </body>
                </html>
                """.formatted(escape(title), root, bodyHtml));
    }

    /**
     * Answers a form POST with "303 See Other" pointing at the page to show next
     * (Post/Redirect/Get), so reloading that page never submits the form twice.
     */
    static void seeOther(HttpServletRequest request, HttpServletResponse response, String path) {
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", request.getContextPath() + path);
    }

    /** Sends a short page explaining what went wrong. */
    static void sendProblem(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        String root = escape(request.getContextPath());
        send(request, response, status, "Sorry", """
                <section class="card">
                  <h1>Sorry</h1>
                  <p>%s</p>
                  <a class="button secondary" href="%s/requests">Back to the list</a>
                </section>
                """.formatted(escape(message), root));
    }
}
