package dev.slipway.sdk;

import java.util.Map;

/**
 * One call to a service operation as a transport sends it.
 *
 * @param operation {@code <service>/<operation>}, such as {@code datastore/put}
 * @param contentType the body's media type
 * @param body the body
 * @param headers the other headers (Authorization, forwarded identity, …), already checked
 */
record ServiceRequest(String operation, String contentType, byte[] body, Map<String, String> headers) {}
