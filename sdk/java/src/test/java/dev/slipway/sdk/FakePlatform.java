package dev.slipway.sdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A tiny HTTP/1.1 server on a Unix socket in a temp dir, standing in for the platform: it records
 * every request and answers with scripted responses (or a handler), with keep-alive.
 */
final class FakePlatform implements AutoCloseable {
  static final String TOKEN = "test-token";

  /** A request as the SDK sent it. */
  record Request(String method, String target, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    Object json() {
      return Json.parse(body);
    }
  }

  /** Closes the connection without answering, as a server that drops an idle connection. */
  static final Response DROP = new Response(0, Map.of(), new byte[0], false, true);

  /** An answer to send. */
  record Response(int status, Map<String, String> headers, byte[] body, boolean chunked, boolean close) {
    static Response json(int status, Object body) {
      return new Response(status, Map.of("Content-Type", "application/json"),
          Json.write(body).getBytes(StandardCharsets.UTF_8), false, false);
    }

    static Response json(Object body) {
      return json(200, body);
    }

    static Response problem(int status, String code, String detail) {
      Map<String, Object> problem = new LinkedHashMap<>();
      problem.put("type", "about:blank");
      problem.put("title", "Problem");
      problem.put("status", status);
      problem.put("detail", detail);
      problem.put("code", code);
      return new Response(status, Map.of("Content-Type", "application/problem+json"),
          Json.write(problem).getBytes(StandardCharsets.UTF_8), false, false);
    }

    static Response bytes(int status, Map<String, String> headers, byte[] body) {
      return new Response(status, headers, body, false, false);
    }

    Response inChunks() {
      return new Response(status, headers, body, true, close);
    }

    Response thenClose() {
      return new Response(status, headers, body, chunked, true);
    }
  }

  private final Path dir;
  private final Path socket;
  private final ServerSocketChannel server;
  private final Thread acceptor;
  private final List<SocketChannel> connections = Collections.synchronizedList(new ArrayList<>());
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final BlockingQueue<Response> scripted = new LinkedBlockingQueue<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile Function<Request, Response> handler;

  FakePlatform() throws IOException {
    dir = Files.createTempDirectory("slipway-fake-");
    socket = dir.resolve("services.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    acceptor = new Thread(this::acceptLoop, "fake-platform-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  Path socket() {
    return socket;
  }

  /** Services connected to this fake with {@link #TOKEN}. */
  Services services() {
    return Slipway.builder().socket(socket).token(TOKEN).build();
  }

  /** Queues answers, sent in order to the next requests. */
  FakePlatform answer(Response... responses) {
    scripted.addAll(List.of(responses));
    return this;
  }

  /** Answers every request with a function instead of the queue. */
  FakePlatform handle(Function<Request, Response> handler) {
    this.handler = handler;
    return this;
  }

  /** The next request received (waits up to 5 s). */
  Request next() throws InterruptedException {
    Request request = requests.poll(5, TimeUnit.SECONDS);
    if (request == null) {
      throw new AssertionError("the fake platform received no request");
    }
    return request;
  }

  /** Requests received and not yet taken with {@link #next()}. */
  int pending() {
    return requests.size();
  }

  /** How many connections the SDK opened. */
  int connectionsAccepted() {
    return accepted.get();
  }

  /** Closes every open connection, as a server that drops idle keep-alive connections. */
  void dropConnections() throws IOException {
    synchronized (connections) {
      for (SocketChannel connection : connections) {
        connection.close();
      }
      connections.clear();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    dropConnections();
    Files.deleteIfExists(socket);
    Files.deleteIfExists(dir);
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel connection = server.accept();
        accepted.incrementAndGet();
        connections.add(connection);
        Thread thread = new Thread(() -> serve(connection), "fake-platform-connection");
        thread.setDaemon(true);
        thread.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(SocketChannel connection) {
    try (connection) {
      InputStream in = Channels.newInputStream(connection);
      OutputStream out = Channels.newOutputStream(connection);
      while (true) {
        Request request = readRequest(in);
        if (request == null) {
          return;
        }
        requests.add(request);
        Response response = respond(request);
        if (response == DROP) {
          return;
        }
        write(out, response);
        if (response.close()) {
          return;
        }
      }
    } catch (IOException e) {
      // The client went away.
    } finally {
      connections.remove(connection);
    }
  }

  private Response respond(Request request) {
    Function<Request, Response> current = handler;
    if (current != null) {
      return current.apply(request);
    }
    Response response = scripted.poll();
    return response != null ? response
        : Response.problem(500, "no-answer", "the fake platform has no answer scripted for " + request.target());
  }

  private static Request readRequest(InputStream in) throws IOException {
    String requestLine = readLine(in);
    if (requestLine == null) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Request(parts[0], parts[1], headers, body);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
  }

  private static void write(OutputStream out, Response response) throws IOException {
    StringBuilder head = new StringBuilder("HTTP/1.1 ").append(response.status()).append(" Fake\r\n");
    response.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    if (response.chunked()) {
      head.append("Transfer-Encoding: chunked\r\n");
    } else {
      head.append("Content-Length: ").append(response.body().length).append("\r\n");
    }
    if (response.close()) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (response.chunked()) {
      // Three uneven chunks with an extension and a trailer: what a real server may send.
      byte[] body = response.body();
      int first = Math.min(body.length, 7);
      int second = Math.min(body.length - first, 300);
      writeChunk(out, body, 0, first, ";ext=1");
      writeChunk(out, body, first, second, "");
      writeChunk(out, body, first + second, body.length - first - second, "");
      out.write("0\r\nX-Trailer: yes\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    } else {
      out.write(response.body());
    }
    out.flush();
  }

  private static void writeChunk(OutputStream out, byte[] body, int offset, int length, String extension)
      throws IOException {
    if (length == 0) {
      return;
    }
    out.write((Integer.toHexString(length) + extension + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(body, offset, length);
    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
  }
}
