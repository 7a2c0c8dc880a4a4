package com.example.purchases;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/** The start page: all purchase requests, optionally filtered by status ({@code ?status=pending}). */
@WebServlet(name = "request-list", urlPatterns = {"", "/requests"})
public class RequestListServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<RequestStatus> filter = Optional.ofNullable(request.getParameter("status")).flatMap(RequestStatus::fromSlug);
        List<PurchaseRequest> shown = StoreContextListener.store(getServletContext()).list().stream()
                .filter(purchase -> filter.isEmpty() || purchase.status() == filter.get())
                .toList();

        String root = Html.escape(request.getContextPath());
        StringBuilder body = new StringBuilder();
        body.append("<h1>Purchase requests</h1>\n");
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
        body.append("<ul class=\"request-list\">\n");
        for (PurchaseRequest purchase : shown) {
            body.append(listItem(root, purchase));
        }
        body.append("</ul>\n");
        Html.send(request, response, HttpServletResponse.SC_OK, "All requests", body.toString());
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
                Html.escape(purchase.requester()),
                Html.time(purchase.createdAt()),
                Html.money(purchase.amount()),
                purchase.status().slug(),
                purchase.status().label());
    }
}
