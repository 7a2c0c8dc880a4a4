package com.example.purchases;

import dev.slipway.sdk.Datastore;
import dev.slipway.sdk.Entity;
import dev.slipway.sdk.Key;
import dev.slipway.sdk.Query;
import dev.slipway.sdk.User;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The purchase requests, kept in the Slipway datastore: every instance of the app sees the same
 * data, and it survives new versions. Listing by status and date needs the composite index
 * declared under "datastore" in slipway.json.
 */
final class PurchaseRequestStore {
    static final int PAGE_SIZE = 100;

    private final Datastore datastore;

    PurchaseRequestStore(Datastore datastore) {
        this.datastore = datastore;
    }

    /** The latest requests first, all of them or only those with one status. */
    List<PurchaseRequest> list(Optional<RequestStatus> status) {
        Query query = Query.kind(PurchaseRequest.KIND).order("created_at", Query.Direction.DESC).limit(PAGE_SIZE);
        if (status.isPresent()) {
            query = query.filter("status", Query.Op.EQ, status.get().slug());
        }
        return datastore.query(query).entities().stream().map(PurchaseRequest::fromEntity).toList();
    }

    Optional<PurchaseRequest> find(long id) {
        return datastore.get(Key.of(PurchaseRequest.KIND, id)).map(PurchaseRequest::fromEntity);
    }

    /** Saves a new pending request by {@code requester} (empty when nobody is signed in, as in the preview). */
    PurchaseRequest create(String title, BigDecimal amount, Optional<User> requester) {
        Entity entity = PurchaseRequest.newEntity(title, amount,
                requester.map(User::id).orElse(null),
                requester.map(User::name).orElse("Not signed in"),
                requester.map(User::email).orElse(""),
                Instant.now());
        datastore.put(entity);
        return PurchaseRequest.fromEntity(entity);
    }

    /**
     * Approves or rejects a pending request in a transaction, so two managers deciding at the same
     * moment cannot both win.
     *
     * @throws NoSuchElementException when there is no such request
     * @throws IllegalStateException when it was already decided
     */
    PurchaseRequest decide(long id, RequestStatus decision, String manager) {
        return datastore.transaction(tx -> {
            Entity entity = tx.get(Key.of(PurchaseRequest.KIND, id)).orElseThrow();
            if (!RequestStatus.PENDING.slug().equals(entity.getString("status"))) {
                throw new IllegalStateException("Request " + id + " is already " + entity.getString("status"));
            }
            entity.set("status", decision.slug()).set("decided_at", Instant.now()).set("decided_by", manager);
            tx.put(entity);
            return PurchaseRequest.fromEntity(entity);
        });
    }

    /** Whether the summary of request {@code id} was already mailed (tasks may run more than once). */
    boolean summarySent(long id) {
        return datastore.get(Key.of(PurchaseRequest.KIND, id))
                .map(entity -> Boolean.TRUE.equals(entity.getBoolean("summary_sent")))
                .orElse(false);
    }

    void markSummarySent(long id) {
        datastore.transaction(tx -> {
            tx.get(Key.of(PurchaseRequest.KIND, id)).ifPresent(entity -> tx.put(entity.set("summary_sent", true)));
            return null;
        });
    }
}
