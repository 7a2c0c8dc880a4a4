package com.example.purchases;

import dev.slipway.sdk.Services;
import dev.slipway.sdk.SlipwayException;
import dev.slipway.sdk.User;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Push notifications to people's phones: a message to a user with a {@code title}, a {@code body}
 * and a {@code path} shows in the Slipway launcher (and waits there while the phone is offline);
 * tapping it opens the app at that path. A failed notification never fails the request.
 */
final class Notifications {
    private static final Logger LOG = Logger.getLogger(Notifications.class.getName());

    private Notifications() {}

    /** Tells every manager except the requester that a request waits for a decision. */
    static void managersOf(Services services, PurchaseRequest created) {
        try {
            for (User manager : services.users().list(RequestDetailServlet.MANAGER_ROLE)) {
                if (manager.id().equals(created.requesterId())) {
                    continue;
                }
                services.push().sendToUser(manager.id(), notification("New purchase request",
                        created.requesterName() + ": " + created.title() + ", " + Html.money(created.amount()),
                        created.id()));
            }
        } catch (SlipwayException e) {
            LOG.log(Level.WARNING, "could not notify the managers of request " + created.id(), e);
        }
    }

    /** Tells the requester how their request was decided. */
    static void requesterOf(Services services, PurchaseRequest decided) {
        if (decided.requesterId() == null || decided.requesterId().isEmpty()) {
            return;
        }
        try {
            services.push().sendToUser(decided.requesterId(), notification(
                    "Purchase request " + decided.status().slug(),
                    decided.title() + ", " + Html.money(decided.amount()) + " by " + decided.decidedBy(),
                    decided.id()));
        } catch (SlipwayException e) {
            LOG.log(Level.WARNING, "could not notify the requester of request " + decided.id(), e);
        }
    }

    private static Map<String, Object> notification(String title, String body, long requestId) {
        return Map.of("title", title, "body", body, "path", "/requests/" + requestId);
    }
}
