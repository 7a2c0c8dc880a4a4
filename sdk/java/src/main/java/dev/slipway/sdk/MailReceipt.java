package dev.slipway.sdk;

/**
 * What became of a mail.
 *
 * @param id the mail's id
 * @param via {@code "smtp"} when sent, {@code "outbox"} when kept in the platform's outbox (no
 *     mail server configured, as in previews)
 */
public record MailReceipt(String id, String via) {}
