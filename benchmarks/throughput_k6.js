// Closed-loop readers for benchmarks/throughput.py, driven by k6: each virtual user asks for
// the next page as soon as the last one answered (no think time). THROUGHPUT_PATHS is a
// comma-separated list of paths taken in turn, each user starting at its own place. Users keep
// their cookies (one help session each) and send a browser User-Agent, so every article view
// is recorded as a reader's would be; `answered` counts the pages answered 200.
import http from "k6/http";
import { Counter } from "k6/metrics";

const paths = (__ENV.THROUGHPUT_PATHS || "/healthz").split(",");
const host = __ENV.THROUGHPUT_HOST;
const answered = new Counter("answered");
const headers = { "User-Agent": "Mozilla/5.0 (throughput benchmark) Firefox/130.0" };
let turn = -1;

export default function () {
  if (turn < 0) {
    turn = (__VU * 7) % paths.length;
  }
  const response = http.get(host + paths[turn % paths.length], { headers, tags: { name: "page" } });
  turn += 1;
  if (response.status === 200) {
    answered.add(1);
  }
}
