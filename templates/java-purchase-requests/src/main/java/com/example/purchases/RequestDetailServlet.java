package com.example.purchases;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One request ({@code GET /requests/7}) and its decision ({@code POST /requests/7/approve} or {@code /reject}). */
@WebServlet(name = "request-detail", urlPatterns = "/requests/*")
public class RequestDetailServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Pattern DETAIL_PATH = Pattern.compile("/(\\d{1,18})");
    private static final Pattern DECISION_PATH = Pattern.compile("/(\\d{1,18})/(approve|reject)");
    private static final Map<String, RequestStatus> DECISIONS =
            Map.of("approve", RequestStatus.APPROVED, "reject", RequestStatus.REJECTED);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Matcher path = DETAIL_PATH.matcher(String.valueOf(request.getPathInfo()));
        Optional<PurchaseRequest> found = path.matches()
                ? StoreContextListener.store(getServletContext()).find(Long.parseLong(path.group(1)))
                : Optional.empty();
        if (found.isEmpty()) {
            Html.sendProblem(request, response, HttpServletResponse.SC_NOT_FOUND, "There is no such purchase request.");
            return;
        }
        PurchaseRequest purchase = found.get();
        Html.send(request, response, HttpServletResponse.SC_OK, purchase.title(), details(request.getContextPath(), purchase));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Matcher path = DECISION_PATH.matcher(String.valueOf(request.getPathInfo()));
        if (!path.matches()) {
            Html.sendProblem(request, response, HttpServletResponse.SC_NOT_FOUND, "There is no such action.");
            return;
        }
        long id = Long.parseLong(path.group(1));
        try {
            StoreContextListener.store(getServletContext()).decide(id, DECISIONS.get(path.group(2)));
        } catch (NoSuchElementException e) {
            Html.sendProblem(request, response, HttpServletResponse.SC_NOT_FOUND, "There is no such purchase request.");
            return;
        } catch (IllegalStateException e) {
            Html.sendProblem(request, response, HttpServletResponse.SC_CONFLICT,
                    "This request was already decided, perhaps by someone else a moment ago.");
            return;
        }
        Html.seeOther(request, response, "/requests/" + id);
    }

    private static String details(String contextPath, PurchaseRequest purchase) {
        String root = Html.escape(contextPath);
        String decided = purchase.decisionTime()
                .map(time -> "<dt>Decided</dt><dd>" + Html.time(time) + "</dd>")
                .orElse("");
        return """
                <article class="card">
                  <p class="badge %1$s">%2$s</p>
                  <h1>%3$s</h1>
                  <dl class="facts">
                    <dt>Amount</dt><dd class="amount">%4$s</dd>
                    <dt>Requested by</dt><dd>%5$s</dd>
                    <dt>Submitted</dt><dd>%6$s</dd>
                    %7$s
                  </dl>
                  %8$s
                </article>
                <a class="button secondary" href="%9$s/requests">Back to the list</a>
                """.formatted(
                purchase.status().slug(),
                purchase.status().label(),
                Html.escape(purchase.title()),
                Html.money(purchase.amount()),
                Html.escape(purchase.requester()),
                Html.time(purchase.createdAt()),
                decided,
                purchase.status() == RequestStatus.PENDING ? decisionButtons(root, purchase.id()) : "",
                root);
    }

    private static String decisionButtons(String root, long id) {
        return """
                <div class="actions">
                  <form method="post" action="%1$s/requests/%2$d/approve">
                    <button class="button approve" type="submit">Approve</button>
                  </form>
                  <form method="post" action="%1$s/requests/%2$d/reject">
                    <button class="button reject" type="submit">Reject</button>
                  </form>
                </div>
                """.formatted(root, id);
    }
}
