package dev.slipway.sdk;

import java.io.IOException;

/** How requests reach the platform: a Unix socket or an HTTP base URL. Implementations are thread-safe. */
interface Transport extends AutoCloseable {
  /** The path every operation lives under. */
  String BASE_PATH = "/_platform/v1/";

  /** Sends one request and reads the whole answer. */
  ServiceResponse send(ServiceRequest request) throws IOException;

  /** Names where requests go, for error messages ("the socket /run/…"). */
  String describe();

  /** Releases idle connections; the transport stays usable. */
  @Override
  void close();
}
