package com.example.purchases;

import dev.slipway.sdk.Entity;
import dev.slipway.sdk.Key;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One purchase request, as kept in the datastore (kind {@code PurchaseRequest}).
 *
 * @param requesterEmail where the summary of the decision is mailed; empty when unknown
 * @param decidedAt when it was approved or rejected; {@code null} while pending
 * @param decidedBy the manager who decided; {@code null} while pending
 */
public record PurchaseRequest(
        long id,
        String title,
        BigDecimal amount,
        String requesterId,
        String requesterName,
        String requesterEmail,
        RequestStatus status,
        Instant createdAt,
        Instant decidedAt,
        String decidedBy) {

    static final String KIND = "PurchaseRequest";

    public PurchaseRequest {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(requesterName, "requesterName");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** When it was approved or rejected, if it was. */
    public Optional<Instant> decisionTime() {
        return Optional.ofNullable(decidedAt);
    }

    /** Reads a request from its entity. Amounts are kept in cents, so no rounding ever creeps in. */
    static PurchaseRequest fromEntity(Entity entity) {
        return new PurchaseRequest(
                entity.key().id(),
                entity.getString("title"),
                BigDecimal.valueOf(entity.getLong("amount_cents"), 2),
                entity.getString("requester_id"),
                entity.getString("requester_name"),
                Objects.requireNonNullElse(entity.getString("requester_email"), ""),
                RequestStatus.fromSlug(entity.getString("status")).orElseThrow(),
                entity.getInstant("created_at"),
                entity.getInstant("decided_at"),
                entity.getString("decided_by"));
    }

    /** The properties of a new, pending request; the datastore gives it its id. */
    static Entity newEntity(String title, BigDecimal amount, String requesterId, String requesterName,
            String requesterEmail, Instant now) {
        return new Entity(Key.incomplete(KIND))
                .set("title", title)
                .set("amount_cents", amount.movePointRight(2).longValueExact())
                .set("requester_id", requesterId)
                .set("requester_name", requesterName)
                .set("requester_email", requesterEmail)
                .set("status", RequestStatus.PENDING.slug())
                .set("created_at", now);
    }
}
