package com.example.purchases;

import dev.slipway.sdk.Json;
import dev.slipway.sdk.Mail;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /tasks/summary}: called by the Slipway task queue after a decision (see
 * {@link RequestDetailServlet}) with {@code {"request": 7}}; mails the requester a summary. Only
 * signed task calls are accepted. A failure answers 5xx and the platform tries again later.
 */
@WebServlet(name = "summary-task", urlPatterns = "/tasks/summary")
public class SummaryTaskServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!signedByTheTaskQueue(request)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "Only the Slipway task queue may call this.");
            return;
        }
        Object payload = Json.parse(request.getInputStream().readAllBytes());
        Object id = payload instanceof Map<?, ?> map ? map.get("request") : null;
        PurchaseRequestStore store = Platform.store();
        Optional<PurchaseRequest> found = id instanceof Long requestId ? store.find(requestId) : Optional.empty();
        if (found.isEmpty() || found.get().requesterEmail().isEmpty() || store.summarySent(found.get().id())) {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT); // nothing (more) to do: don't retry
            return;
        }
        PurchaseRequest purchase = found.get();
        Platform.services().messaging().mail(Mail.to(purchase.requesterEmail())
                .subject("Purchase request " + purchase.status().slug() + ": " + oneLine(purchase.title()))
                .text(summary(purchase)));
        store.markSummarySent(purchase.id());
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    /** The SDK checks the platform's Ed25519 signature of the call (and that it is recent). */
    private static boolean signedByTheTaskQueue(HttpServletRequest request) {
        try {
            return Platform.services().tasks().verifyCall(request).isPresent();
        } catch (Platform.NotOnSlipway | IllegalStateException e) {
            return false; // outside Slipway (or without its public key) nothing can be a task call
        }
    }

    private static String summary(PurchaseRequest purchase) {
        return """
                Hello %s,

                your purchase request "%s" for %s was %s by %s on %s.

                Submitted: %s
                """.formatted(
                purchase.requesterName(),
                purchase.title(),
                Html.money(purchase.amount()),
                purchase.status().slug(),
                purchase.decidedBy(),
                purchase.decisionTime().map(Html::time).orElse("-"),
                Html.time(purchase.createdAt()));
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() > 150 ? line.substring(0, 150) + "…" : line;
    }
}
