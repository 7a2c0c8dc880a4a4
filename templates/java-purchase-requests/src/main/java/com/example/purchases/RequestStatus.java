package com.example.purchases;

import java.util.Locale;
import java.util.Optional;

/** Where a purchase request stands. Only a pending request can be approved or rejected. */
public enum RequestStatus {
    PENDING("Pending"),
    APPROVED("Approved"),
    REJECTED("Rejected");

    private final String label;

    RequestStatus(String label) {
        this.label = label;
    }

    /** The word shown to people. */
    public String label() {
        return label;
    }

    /** The lowercase name used in URLs, CSS classes and JSON, e.g. {@code "approved"}. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status named by a slug such as {@code "pending"}, if there is one. */
    public static Optional<RequestStatus> fromSlug(String slug) {
        for (RequestStatus status : values()) {
            if (status.slug().equals(slug)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
