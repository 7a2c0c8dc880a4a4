package com.example.purchases;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One purchase request. Immutable: a decision produces a new value.
 *
 * @param decidedAt when it was approved or rejected; {@code null} while pending
 */
public record PurchaseRequest(
        long id,
        String title,
        BigDecimal amount,
        String requester,
        RequestStatus status,
        Instant createdAt,
        Instant decidedAt) {

    public PurchaseRequest {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A new request, waiting for a decision. */
    public static PurchaseRequest submitted(long id, String title, BigDecimal amount, String requester, Instant now) {
        return new PurchaseRequest(id, title, amount, requester, RequestStatus.PENDING, now, null);
    }

    /** This request, approved or rejected at {@code now}. */
    public PurchaseRequest decided(RequestStatus decision, Instant now) {
        if (status != RequestStatus.PENDING) {
            throw new IllegalStateException("Request " + id + " is already " + status.slug());
        }
        if (decision == RequestStatus.PENDING) {
            throw new IllegalArgumentException("A decision is approved or rejected");
        }
        return new PurchaseRequest(id, title, amount, requester, decision, createdAt, now);
    }

    /** When it was approved or rejected, if it was. */
    public Optional<Instant> decisionTime() {
        return Optional.ofNullable(decidedAt);
    }
}
