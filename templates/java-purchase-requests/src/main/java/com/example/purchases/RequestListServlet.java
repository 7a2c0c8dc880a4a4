package com.example.purchases;

import dev.slipway.sdk.PushChannel;
import dev.slipway.sdk.Services;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The start page: the latest purchase requests, optionally filtered by status
 * ({@code ?status=pending}). A manager's page also listens for new requests (push, see
 * {@code js/live.js}) and shows them as they come in.
 */
@WebServlet(name = "request-list", urlPatterns = {"", "/requests"})
public class RequestListServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<RequestStatus> filter = Optional.ofNullable(request.getParameter("status")).flatMap(RequestStatus::fromSlug);
        List<PurchaseRequest> shown;
        String notice = "";
        String[] live = {"", ""};
        try {
            Services services = Platform.services();
            shown = Platform.store().list(filter);
            if (RequestDetailServlet.isManager(services.users().current(request))) {
                live = liveUpdates(request, services.push().channelForTopic(RequestFormServlet.APPROVALS_TOPIC));
            }
        } catch (Platform.NotOnSlipway e) {
            // Started outside Slipway: the start page still opens and says why it is empty.
            shown = List.of();
            notice = "<p class=\"notice\">Requests are kept in the Slipway datastore: open the app in the preview "
                    + "or publish it to save some.</p>\n";
        }

        String root = Html.escape(request.getContextPath());
        StringBuilder body = new StringBuilder();
        body.append("<h1>Purchase requests</h1>\n").append(notice);
        body.append("<p id=\"live-banner\" class=\"notice\" role=\"status\" hidden></p>\n");
        body.append(filterTabs(root, filter));
        body.append("<p class=\"summary\">").append(summary(shown)).append("</p>\n");
        if (shown.isEmpty()) {
            body.append("""
                    <section class="card empty">
                      <p>Nothing here yet.</p>
                      <a class="button" href="%s/requests/new">Create a request</a>
                    </section>
                    """.formatted(root));
        }
        body.append("<ul class=\"request-list\"").append(live[0]).append(">\n");
        for (PurchaseRequest purchase : shown) {
            body.append(listItem(root, purchase));
        }
        body.append("</ul>\n").append(live[1]);
        Html.send(request, response, HttpServletResponse.SC_OK, "All requests", body.toString());
    }

    /**
     * The list's attributes and the scripts that let {@code js/live.js} show requests submitted while
     * the page is open: the platform's push client and a token for the approvals topic.
     */
    private static String[] liveUpdates(HttpServletRequest request, PushChannel channel) {
        String root = Html.escape(request.getContextPath());
        return new String[] {
            " data-push-token=\"%s\" data-root=\"%s\"".formatted(Html.escape(channel.token()), root),
            """
            <script src="%s" defer></script>
            <script src="%s/js/live.js" defer></script>
            """.formatted(Html.escape(channel.clientScript()), root)
        };
    }

    private static String filterTabs(String root, Optional<RequestStatus> active) {
        StringBuilder tabs = new StringBuilder("<nav class=\"tabs\" aria-label=\"Filter by status\">\n");
        tabs.append(tab(root + "/requests", "All", active.isEmpty()));
        for (RequestStatus status : RequestStatus.values()) {
            tabs.append(tab(root + "/requests?status=" + status.slug(), status.label(), active.equals(Optional.of(status))));
        }
        return tabs.append("</nav>\n").toString();
    }

    private static String tab(String href, String label, boolean current) {
        String ariaCurrent = current ? " aria-current=\"page\"" : "";
        return "  <a href=\"%s\"%s>%s</a>\n".formatted(href, ariaCurrent, Html.escape(label));
    }

    private static String summary(List<PurchaseRequest> shown) {
        BigDecimal total = shown.stream().map(PurchaseRequest::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        String noun = shown.size() == 1 ? "request" : "requests";
        return "%d %s, %s in total".formatted(shown.size(), noun, Html.money(total));
    }

    private static String listItem(String root, PurchaseRequest purchase) {
        return """
                  <li>
                    <a class="request-row" href="%s/requests/%d">
                      <span class="request-title">%s</span>
                      <span class="request-meta">%s · %s</span>
                      <span class="amount">%s</span>
                      <span class="badge %s">%s</span>
                    </a>
                  </li>
                """.formatted(
                root,
                purchase.id(),
                Html.escape(purchase.title()),
                Html.escape(purchase.requesterName()),
                Html.time(purchase.createdAt()),
                Html.money(purchase.amount()),
                purchase.status().slug(),
                purchase.status().label());
    }
}
