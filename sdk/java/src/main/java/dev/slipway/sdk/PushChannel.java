package dev.slipway.sdk;

/**
 * What a page needs to receive pushed messages: load {@code clientScript} with a
 * {@code <script src>} and call {@code Slipway.connect(token, onMessage)}.
 *
 * @param channel the channel's name
 * @param token the token the page connects with (give it only to that user's page)
 * @param clientScript the URL of the client script
 */
public record PushChannel(String channel, String token, String clientScript) {}
