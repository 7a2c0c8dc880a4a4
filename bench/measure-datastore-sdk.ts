import { AppHostClient } from './app-host-client';
import { createBenchApp, type BenchAppContext, type HelloRuntime } from './bench-app';
import type { BenchOutcome, Figure } from './figure';
import { HostingApi } from './hosting-api';
import type { ApiSession } from './api-session';
import type { BenchPlatform } from './platform';

/** Operations per run inside the instance; the instance times them itself (no HTTP hop counted). */
const OPERATIONS = 300;
const ROUNDS = 3;

const PYTHON_APP = `import json, time
from urllib.parse import parse_qs
import slipway
from slipway.datastore import Entity, Key

def app(environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    op, n, run = query["op"][0], int(query["n"][0]), query["run"][0]
    started = time.perf_counter()
    for i in range(n):
        key = Key("Item", f"{run}-{i}")
        if op == "put":
            slipway.datastore.put(Entity(key, {"i": i, "group": i % 10, "label": f"item {i}"}))
        elif op == "get":
            slipway.datastore.get(key)
        else:
            slipway.datastore.query("Item").filter("group", "=", i % 10).limit(10).fetch()
    body = json.dumps({"ms": (time.perf_counter() - started) * 1000}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
`;

const JAVA_SERVLET = `package com.example.hello;

import dev.slipway.sdk.Datastore;
import dev.slipway.sdk.Entity;
import dev.slipway.sdk.Key;
import dev.slipway.sdk.Query;
import dev.slipway.sdk.Slipway;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

@WebServlet("/bench")
public class BenchServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Datastore datastore = Slipway.services().datastore();
        String op = request.getParameter("op");
        int n = Integer.parseInt(request.getParameter("n"));
        String run = request.getParameter("run");
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Key key = Key.of("Item", run + "-" + i);
            if (op.equals("put")) {
                datastore.put(new Entity(key).set("i", (long) i).set("group", (long) (i % 10)).set("label", "item " + i));
            } else if (op.equals("get")) {
                datastore.get(key);
            } else {
                datastore.query(Query.kind("Item").filter("group", Query.Op.EQ, (long) (i % 10)).limit(10));
            }
        }
        response.setContentType("application/json");
        response.getWriter().print("{\\"ms\\":" + (System.nanoTime() - started) / 1e6 + "}");
    }
}
`;

/** Issue 5: datastore put/get/query per second through each SDK, from a published (sealed) instance. */
export async function measureDatastoreThroughSdks(
  session: ApiSession,
  platform: BenchPlatform,
  step: (message: string) => void,
): Promise<BenchOutcome> {
  const api = new HostingApi(session);
  const context: BenchAppContext = {
    api,
    client: new AppHostClient(platform.gatewayPort),
    tenantSlug: await api.tenantSlug(),
    appsDomain: platform.appsDomain,
  };
  const figures: Figure[] = [];
  for (const runtime of ['python', 'java'] as HelloRuntime[]) {
    step(`datastore through the ${runtime} SDK`);
    const bench = await createBenchApp(context, runtime, `bench-store-${runtime}`, {
      access: 'public',
      scaling: { min: 1, max: 1, idleSeconds: 300 },
    });
    if (runtime === 'python') await api.writeFile(bench.projectId, 'app.py', PYTHON_APP);
    else await api.writeFile(bench.projectId, 'src/main/java/com/example/hello/BenchServlet.java', JAVA_SERVLET);
    const path = runtime === 'python' ? '/' : '/bench';
    await api.publish(bench.projectId, 'bench: datastore');
    for (const op of ['put', 'get', 'query'] as const) {
      const rates: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Every round reads the keys the first put round wrote; each put round writes new ones.
        const run = op === 'put' ? `r${round}` : 'r0';
        const answer = await context.client.get(bench.host, `${path}?op=${op}&n=${OPERATIONS}&run=${run}`);
        if (answer.status !== 200) throw new Error(`${runtime} ${op}: ${answer.status} ${answer.body.slice(0, 300)}`);
        rates.push(OPERATIONS / ((JSON.parse(answer.body) as { ms: number }).ms / 1000));
      }
      const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
      figures.push({
        name: `Datastore ${op} through the ${runtime === 'python' ? 'Python' : 'Java'} SDK, one thread in a sealed instance`,
        measured: `${Math.round(median)} ops/s (rounds: ${rates.map((rate) => Math.round(rate)).join(', ')})`,
        target: '—',
        reference: '—',
        verdict: 'no target',
      });
    }
  }
  return {
    figures,
    notes: [
      `Datastore: each round is ${OPERATIONS} sequential calls made by the app inside its sealed production ` +
        'instance (gunicorn sync worker / Tomcat thread) over the services socket, timed inside the instance; ' +
        'the median of 3 rounds is shown. put writes one entity with 3 indexed properties; query filters one ' +
        'property and returns up to 10 entities. SQLite (the default database) on the same 2 cores.',
    ],
  };
}
