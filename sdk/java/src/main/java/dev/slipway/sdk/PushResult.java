package dev.slipway.sdk;

/**
 * What became of a pushed message.
 *
 * @param delivered how many connected pages received it
 * @param queued how many deliveries wait for a page to connect (within the message's time to live)
 */
public record PushResult(long delivered, long queued) {}
