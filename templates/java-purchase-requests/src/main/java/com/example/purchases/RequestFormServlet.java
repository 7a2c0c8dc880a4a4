package com.example.purchases;

import dev.slipway.sdk.Services;
import dev.slipway.sdk.SlipwayException;
import dev.slipway.sdk.User;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Shows the form for a new purchase request (GET) and saves it (POST). The requester is the
 * signed-in user; the managers' open list pages hear about the new request by push, on the topic
 * {@value #APPROVALS_TOPIC}, and each manager gets a notification on their phone's launcher.
 */
@WebServlet(name = "request-form", urlPatterns = "/requests/new")
public class RequestFormServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final int MAX_TITLE_LENGTH = 120;
    static final String APPROVALS_TOPIC = "approvals";
    private static final Logger LOG = Logger.getLogger(RequestFormServlet.class.getName());
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        showForm(request, response, HttpServletResponse.SC_OK, Map.of(), Map.of());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String field : new String[] {"title", "amount"}) {
            String value = request.getParameter(field);
            values.put(field, value == null ? "" : value.strip());
        }
        Map<String, String> errors = new LinkedHashMap<>();
        String title = requireText(values.get("title"), MAX_TITLE_LENGTH, "title", errors);
        BigDecimal amount = parseAmount(values.get("amount"), errors);
        if (!errors.isEmpty()) {
            showForm(request, response, HttpServletResponse.SC_BAD_REQUEST, values, errors);
            return;
        }
        Services services = Platform.services();
        Optional<User> requester = services.users().current(request);
        PurchaseRequest created = Platform.store().create(title, amount, requester);
        announce(services, created);
        Notifications.managersOf(services, created);
        Html.seeOther(request, response, "/requests/" + created.id());
    }

    /** Tells the managers' open pages; the request is saved even when this fails. */
    private static void announce(Services services, PurchaseRequest created) {
        try {
            services.push().sendToTopic(APPROVALS_TOPIC, Map.of(
                    "type", "submitted",
                    "id", created.id(),
                    "title", created.title(),
                    "amount", Html.money(created.amount()),
                    "requester", created.requesterName()));
        } catch (SlipwayException e) {
            LOG.log(Level.WARNING, "could not announce request " + created.id(), e);
        }
    }

    private static String requireText(String value, int maxLength, String field, Map<String, String> errors) {
        if (value.isEmpty()) {
            errors.put(field, "Please fill this in.");
        } else if (value.length() > maxLength) {
            errors.put(field, "Please keep it under " + maxLength + " characters.");
        }
        return value;
    }

    private static BigDecimal parseAmount(String value, Map<String, String> errors) {
        if (!value.matches("\\d{1,10}(\\.\\d{1,2})?")) {
            errors.put("amount", "Enter an amount like 125 or 125.50.");
            return null;
        }
        BigDecimal amount = new BigDecimal(value).setScale(2, RoundingMode.UNNECESSARY);
        if (amount.signum() <= 0 || amount.compareTo(MAX_AMOUNT) > 0) {
            errors.put("amount", "The amount must be more than 0 and at most " + Html.money(MAX_AMOUNT) + ".");
        }
        return amount;
    }

    private static void showForm(HttpServletRequest request, HttpServletResponse response, int status,
            Map<String, String> values, Map<String, String> errors) throws IOException {
        String body = """
                <h1>New purchase request</h1>
                <form class="card" method="post" action="%s/requests/new" novalidate>
                %s%s
                  <button class="button" type="submit">Submit request</button>
                </form>
                """.formatted(
                Html.escape(request.getContextPath()),
                field("title", "What do you need?", "text", "maxlength=\"120\"", values, errors),
                field("amount", "Amount", "text", "inputmode=\"decimal\" placeholder=\"0.00\"", values, errors));
        Html.send(request, response, status, "New request", body);
    }

    private static String field(String name, String label, String type, String attributes,
            Map<String, String> values, Map<String, String> errors) {
        String error = errors.get(name);
        String errorHtml = error == null ? "" : "<p class=\"error\" id=\"%s-error\">%s</p>".formatted(name, Html.escape(error));
        String describedBy = error == null ? "" : " aria-invalid=\"true\" aria-describedby=\"%s-error\"".formatted(name);
        return """
                  <div class="field">
                    <label for="%1$s">%2$s</label>
                    <input id="%1$s" name="%1$s" type="%3$s" value="%4$s" required %5$s%6$s>
                    %7$s
                  </div>
                """.formatted(name, Html.escape(label), type, Html.escape(values.getOrDefault(name, "")),
                attributes, describedBy, errorHtml);
    }
}
