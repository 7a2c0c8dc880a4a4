package dev.slipway.sdk;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 client connection over a Unix socket. Non-blocking with a selector so that every
 * exchange has a deadline (blocking socket channels ignore read timeouts). Not thread-safe: the
 * pool lends a connection to one thread at a time.
 */
final class HttpConnection implements Closeable {
  /** Larger than any answer the platform sends (images are at most 32 MiB). */
  static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
  private static final int MAX_HEADER_LINES = 200;
  private static final int BUFFER_BYTES = 16 * 1024;

  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  /** Received bytes not yet consumed, in read mode (position..limit). */
  private final ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES).flip();
  private long deadline;
  private long received;
  private boolean reusable;
  private long idleSince;

  private HttpConnection(SocketChannel channel, Selector selector) throws IOException {
    this.channel = channel;
    this.selector = selector;
    this.key = channel.register(selector, 0);
  }

  /** Connects to a Unix socket within the timeout. */
  static HttpConnection open(SocketAddress address, long timeoutNanos) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    Selector selector = null;
    try {
      channel.configureBlocking(false);
      selector = Selector.open();
      HttpConnection connection = new HttpConnection(channel, selector);
      connection.deadline = System.nanoTime() + timeoutNanos;
      if (!channel.connect(address)) {
        while (!channel.finishConnect()) {
          connection.await(SelectionKey.OP_CONNECT);
        }
      }
      return connection;
    } catch (IOException | RuntimeException e) {
      channel.close();
      if (selector != null) {
        selector.close();
      }
      throw e;
    }
  }

  /**
   * Writes one request and reads its answer. Afterwards {@link #reusable()} says whether the
   * connection may carry another exchange.
   */
  ServiceResponse exchange(byte[] head, byte[] body, long timeoutNanos) throws IOException {
    deadline = System.nanoTime() + timeoutNanos;
    received = 0;
    reusable = false;
    ByteBuffer[] out = {ByteBuffer.wrap(head), ByteBuffer.wrap(body)};
    while (out[0].hasRemaining() || out[1].hasRemaining()) {
      if (channel.write(out) == 0) {
        await(SelectionKey.OP_WRITE);
      }
    }
    while (true) {
      ServiceResponse response = readResponse();
      // 1xx answers are interim (the platform sends none, but HTTP allows them): the real one follows.
      if (response.status() >= 200 || response.status() == 101) {
        return response;
      }
    }
  }

  /** Whether the last exchange ended cleanly and the server keeps the connection open. */
  boolean reusable() {
    return reusable;
  }

  /** Whether any byte of an answer arrived during the last exchange. */
  boolean receivedAnything() {
    return received > 0;
  }

  void markIdle() {
    idleSince = System.nanoTime();
  }

  long idleNanos() {
    return System.nanoTime() - idleSince;
  }

  /** True when the server has not closed the idle connection nor sent anything unasked. */
  boolean stillOpen() {
    if (!channel.isOpen() || in.hasRemaining()) {
      return false;
    }
    try {
      ByteBuffer probe = ByteBuffer.allocate(1);
      return channel.read(probe) == 0;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      selector.close();
    } catch (IOException ignored) {
      // Nothing to do: the channel is closed next either way.
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing a broken socket can fail; it is gone either way.
    }
  }

  private ServiceResponse readResponse() throws IOException {
    String statusLine = readLine();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
      throw new IOException("not an HTTP/1.1 status line: " + abbreviate(statusLine));
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status: " + abbreviate(statusLine));
    }
    Map<String, String> headers = readHeaders();
    if (status < 200 && status != 101) {
      return new ServiceResponse(status, headers, new byte[0]);
    }
    boolean keepAlive = parts[0].equals("HTTP/1.1") && !hasToken(headers.get("connection"), "close");
    byte[] body;
    String transferEncoding = headers.get("transfer-encoding");
    String contentLength = headers.get("content-length");
    if (status == 204 || status == 304) {
      body = new byte[0];
    } else if (transferEncoding != null) {
      if (!hasToken(transferEncoding, "chunked")) {
        throw new IOException("unsupported Transfer-Encoding: " + transferEncoding);
      }
      body = readChunked();
    } else if (contentLength != null) {
      body = readExactly(parseLength(contentLength));
    } else {
      body = readUntilClose();
      keepAlive = false;
    }
    reusable = keepAlive && !in.hasRemaining();
    return new ServiceResponse(status, headers, body);
  }

  private Map<String, String> readHeaders() throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int count = 0; ; count++) {
      String line = readLine();
      if (line.isEmpty()) {
        return headers;
      }
      if (count == MAX_HEADER_LINES) {
        throw new IOException("more than " + MAX_HEADER_LINES + " header lines");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header line: " + abbreviate(line));
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      headers.merge(name, value, (a, b) -> a + ", " + b);
    }
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String line = readLine();
      int semicolon = line.indexOf(';');
      String size = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
      int length;
      try {
        length = Integer.parseInt(size, 16);
      } catch (NumberFormatException e) {
        throw new IOException("malformed chunk size: " + abbreviate(line));
      }
      if (length < 0 || body.size() + (long) length > MAX_BODY_BYTES) {
        throw new IOException("the answer is larger than " + MAX_BODY_BYTES + " bytes");
      }
      if (length == 0) {
        while (!readLine().isEmpty()) {
          // Trailers carry nothing the SDK uses.
        }
        return body.toByteArray();
      }
      body.write(readExactly(length));
      if (!readLine().isEmpty()) {
        throw new IOException("a chunk is not followed by CRLF");
      }
    }
  }

  private int parseLength(String value) throws IOException {
    long length;
    try {
      length = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IOException("malformed Content-Length: " + abbreviate(value));
    }
    if (length < 0 || length > MAX_BODY_BYTES) {
      throw new IOException("Content-Length " + length + " is outside 0.." + MAX_BODY_BYTES);
    }
    return (int) length;
  }

  private byte[] readExactly(int length) throws IOException {
    byte[] bytes = new byte[length];
    int buffered = Math.min(length, in.remaining());
    in.get(bytes, 0, buffered);
    ByteBuffer rest = ByteBuffer.wrap(bytes, buffered, length - buffered);
    while (rest.hasRemaining()) {
      if (read(rest) < 0) {
        throw new EOFException("the connection closed " + rest.remaining() + " bytes before the end of the answer");
      }
    }
    return bytes;
  }

  private byte[] readUntilClose() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      if (in.hasRemaining()) {
        body.write(in.array(), in.position(), in.remaining());
        in.position(in.limit());
      }
      if (body.size() > MAX_BODY_BYTES) {
        throw new IOException("the answer is larger than " + MAX_BODY_BYTES + " bytes");
      }
      if (fill() < 0) {
        return body.toByteArray();
      }
    }
  }

  /** A line without its CRLF (a bare LF is accepted), decoded as ISO-8859-1. */
  private String readLine() throws IOException {
    while (true) {
      for (int i = in.position(); i < in.limit(); i++) {
        if (in.get(i) == '\n') {
          int end = i > in.position() && in.get(i - 1) == '\r' ? i - 1 : i;
          String line = new String(in.array(), in.position(), end - in.position(), StandardCharsets.ISO_8859_1);
          in.position(i + 1);
          return line;
        }
      }
      if (in.remaining() == in.capacity()) {
        throw new IOException("a status or header line is longer than " + BUFFER_BYTES + " bytes");
      }
      if (fill() < 0) {
        throw new EOFException(received == 0
            ? "the connection closed without an answer"
            : "the connection closed in the middle of the answer");
      }
    }
  }

  /** Reads more into the buffer; -1 at the end of the stream. */
  private int fill() throws IOException {
    in.compact();
    try {
      return read(in);
    } finally {
      in.flip();
    }
  }

  private int read(ByteBuffer target) throws IOException {
    while (true) {
      int count = channel.read(target);
      if (count != 0) {
        if (count > 0) {
          received += count;
        }
        return count;
      }
      await(SelectionKey.OP_READ);
    }
  }

  private void await(int operation) throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      // select() returns at once while the interrupt flag is set: stop instead of spinning.
      throw new InterruptedIOException("interrupted while waiting for the platform");
    }
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw new SocketTimeoutException("no answer in time");
    }
    key.interestOps(operation);
    try {
      selector.select(Math.max(1, remaining / 1_000_000));
    } finally {
      selector.selectedKeys().clear();
      if (key.isValid()) {
        key.interestOps(0);
      }
    }
  }

  private static boolean hasToken(String header, String token) {
    if (header == null) {
      return false;
    }
    for (String part : header.split(",")) {
      if (part.trim().equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  private static String abbreviate(String text) {
    return text.length() > 100 ? text.substring(0, 100) + "…" : text;
  }
}
