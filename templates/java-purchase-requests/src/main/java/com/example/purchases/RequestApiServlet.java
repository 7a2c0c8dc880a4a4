package com.example.purchases;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Read-only JSON: {@code GET /api/requests} lists the latest requests, {@code GET /api/requests/7} returns one. */
@WebServlet(name = "request-api", urlPatterns = {"/api/requests", "/api/requests/*"})
public class RequestApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Pattern ID_PATH = Pattern.compile("/(\\d{1,18})");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PurchaseRequestStore store = Platform.store();
        String pathInfo = request.getPathInfo();
        if (pathInfo == null || pathInfo.equals("/")) {
            List<PurchaseRequest> all = store.list(Optional.empty());
            String items = all.stream().map(RequestApiServlet::toJson).collect(Collectors.joining(","));
            send(response, HttpServletResponse.SC_OK, "{\"requests\":[" + items + "]}");
            return;
        }
        Matcher path = ID_PATH.matcher(pathInfo);
        Optional<PurchaseRequest> found = path.matches() ? store.find(Long.parseLong(path.group(1))) : Optional.empty();
        if (found.isPresent()) {
            send(response, HttpServletResponse.SC_OK, toJson(found.get()));
        } else {
            send(response, HttpServletResponse.SC_NOT_FOUND, "{\"error\":\"not-found\"}");
        }
    }

    private static void send(HttpServletResponse response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().print(json);
    }

    // Amounts are strings so that no client rounds them through a binary floating-point number.
    private static String toJson(PurchaseRequest purchase) {
        return "{\"id\":%d,\"title\":%s,\"amount\":%s,\"requester\":%s,\"status\":%s,\"createdAt\":%s,\"decidedAt\":%s}"
                .formatted(
                        purchase.id(),
                        quote(purchase.title()),
                        quote(purchase.amount().toPlainString()),
                        quote(purchase.requesterName()),
                        quote(purchase.status().slug()),
                        quote(purchase.createdAt().toString()),
                        purchase.decisionTime().map(Instant::toString).map(RequestApiServlet::quote).orElse("null"));
    }

    /** A JSON string literal; escapes quotes, backslashes and control characters. */
    static String quote(String text) {
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append("\\u%04x".formatted((int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
