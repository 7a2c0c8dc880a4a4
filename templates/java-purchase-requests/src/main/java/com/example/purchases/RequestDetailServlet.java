package com.example.purchases;

import dev.slipway.sdk.Services;
import dev.slipway.sdk.Task;
import dev.slipway.sdk.User;
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

/**
 * One request ({@code GET /requests/7}) and its decision ({@code POST /requests/7/approve} or
 * {@code /reject}), which only users with the tenant role {@value #MANAGER_ROLE} may make. After a
 * decision the requester gets a notification on their launcher and a task mails them a summary
 * ({@link SummaryTaskServlet}).
 */
@WebServlet(name = "request-detail", urlPatterns = "/requests/*")
public class RequestDetailServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String MANAGER_ROLE = "manager";
    private static final Pattern DETAIL_PATH = Pattern.compile("/(\\d{1,18})");
    private static final Pattern DECISION_PATH = Pattern.compile("/(\\d{1,18})/(approve|reject)");
    private static final Map<String, RequestStatus> DECISIONS =
            Map.of("approve", RequestStatus.APPROVED, "reject", RequestStatus.REJECTED);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Matcher path = DETAIL_PATH.matcher(String.valueOf(request.getPathInfo()));
        Optional<PurchaseRequest> found = path.matches()
                ? Platform.store().find(Long.parseLong(path.group(1)))
                : Optional.empty();
        if (found.isEmpty()) {
            Html.sendProblem(request, response, HttpServletResponse.SC_NOT_FOUND, "There is no such purchase request.");
            return;
        }
        PurchaseRequest purchase = found.get();
        boolean manager = isManager(Platform.services().users().current(request));
        Html.send(request, response, HttpServletResponse.SC_OK, purchase.title(),
                details(request.getContextPath(), purchase, manager));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Matcher path = DECISION_PATH.matcher(String.valueOf(request.getPathInfo()));
        if (!path.matches()) {
            Html.sendProblem(request, response, HttpServletResponse.SC_NOT_FOUND, "There is no such action.");
            return;
        }
        Services services = Platform.services();
        Optional<User> user = services.users().current(request);
        if (!isManager(user)) {
            Html.sendProblem(request, response, HttpServletResponse.SC_FORBIDDEN,
                    "Only managers can approve or reject purchase requests.");
            return;
        }
        long id = Long.parseLong(path.group(1));
        PurchaseRequest decided;
        try {
            decided = Platform.store().decide(id, DECISIONS.get(path.group(2)), user.get().name());
        } catch (NoSuchElementException e) {
            Html.sendProblem(request, response, HttpServletResponse.SC_NOT_FOUND, "There is no such purchase request.");
            return;
        } catch (IllegalStateException e) {
            Html.sendProblem(request, response, HttpServletResponse.SC_CONFLICT,
                    "This request was already decided, perhaps by someone else a moment ago.");
            return;
        }
        services.tasks().enqueue(Task.to("/tasks/summary").payload(Map.of("request", id)));
        Notifications.requesterOf(services, decided);
        Html.seeOther(request, response, "/requests/" + id);
    }

    static boolean isManager(Optional<User> user) {
        return user.isPresent() && user.get().hasRole(MANAGER_ROLE);
    }

    private static String details(String contextPath, PurchaseRequest purchase, boolean manager) {
        String root = Html.escape(contextPath);
        String decided = purchase.decisionTime()
                .map(time -> "<dt>Decided</dt><dd>" + Html.time(time) + "</dd>")
                .orElse("");
        String decidedBy = purchase.decidedBy() == null
                ? ""
                : "<dt>Decided by</dt><dd>" + Html.escape(purchase.decidedBy()) + "</dd>";
        return """
                <article class="card">
                  <p class="badge %1$s">%2$s</p>
                  <h1>%3$s</h1>
                  <dl class="facts">
                    <dt>Amount</dt><dd class="amount">%4$s</dd>
                    <dt>Requested by</dt><dd>%5$s</dd>
                    <dt>Submitted</dt><dd>%6$s</dd>
                    %7$s%10$s
                  </dl>
                  %8$s
                </article>
                <a class="button secondary" href="%9$s/requests">Back to the list</a>
                """.formatted(
                purchase.status().slug(),
                purchase.status().label(),
                Html.escape(purchase.title()),
                Html.money(purchase.amount()),
                Html.escape(purchase.requesterName()),
                Html.time(purchase.createdAt()),
                decided,
                purchase.status() == RequestStatus.PENDING && manager ? decisionButtons(root, purchase.id()) : "",
                root,
                decidedBy);
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
