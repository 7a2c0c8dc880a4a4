package dev.slipway.sdk;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** HttpServletRequests for tests: a proxy answering getHeader (case-insensitively) from a map. */
final class FakeRequests {
  private FakeRequests() {}

  static HttpServletRequest withHeaders(Map<String, String> headers) {
    Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    byName.putAll(headers);
    return (HttpServletRequest) Proxy.newProxyInstance(FakeRequests.class.getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "getHeader":
              return byName.get((String) args[0]);
            case "getHeaderNames":
              return Collections.enumeration(byName.keySet());
            case "toString":
              return "FakeRequest" + byName;
            case "hashCode":
              return System.identityHashCode(proxy);
            case "equals":
              return proxy == args[0];
            default:
              throw new UnsupportedOperationException(method.getName());
          }
        });
  }
}
