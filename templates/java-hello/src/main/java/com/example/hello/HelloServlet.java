package com.example.hello;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;

/** Greets the visitor by name. Registered by its {@code @WebServlet} annotation. */
@WebServlet(name = "hello", urlPatterns = "/hello")
public class HelloServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final int MAX_NAME_LENGTH = 60;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String greeting = System.getenv().getOrDefault("GREETING", "Hello");
        String name = visitorName(request.getParameter("name"));

        response.setContentType("text/html;charset=UTF-8");
        PrintWriter out = response.getWriter();
        out.print("""
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <title>%1$s</title>
                  <link rel="stylesheet" href="%2$s/css/app.css">
                </head>
                <body>
                  <main class="card">
                    <h1>%1$s</h1>
                    <p>This page was rendered by <code>HelloServlet</code> on the server.</p>
                    <a class="button" href="%2$s/">Back</a>
                  </main>
                </body>
                </html>
                """.formatted(escapeHtml(greeting + ", " + name + "!"), escapeHtml(request.getContextPath())));
    }

    private static String visitorName(String parameter) {
        if (parameter == null || parameter.isBlank()) {
            return "world";
        }
        String trimmed = parameter.strip();
        return trimmed.length() > MAX_NAME_LENGTH ? trimmed.substring(0, MAX_NAME_LENGTH) : trimmed;
    }

    /** Never write request data into HTML unescaped: it would let anyone inject scripts. */
    static String escapeHtml(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
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
}
