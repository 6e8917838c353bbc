// A kycd webhook receiver using only the Node.js standard library (Node 18+).
//
// It checks both signatures kycd sends (Idenfy-Signature and the Standard Webhooks
// webhook-signature) over the raw body, refuses stale timestamps, ignores repeats of an
// event it has already handled (same webhook-id) and answers 200, or 401 when a check fails.
//
//     KYCD_SIGNING_KEY=... PORT=8000 node receiver.mjs     (HOST defaults to 127.0.0.1)

import { createServer } from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";

const SIGNING_KEY = Buffer.from(process.env.KYCD_SIGNING_KEY, "utf8"); // the partner's signing key
const HOST = process.env.HOST ?? "127.0.0.1";
const PORT = Number(process.env.PORT ?? 8000);
const TOLERANCE_SECONDS = 5 * 60; // refuse webhook-timestamp values further than this from now
const MAX_BODY_BYTES = 1024 * 1024;

// webhook-ids already handled. Keep these in your database in production (with a unique index),
// for several days: the default retry schedule spans about a day, and operators can resend later.
const seenIds = new Set();

// timingSafeEqual throws on different lengths, so compare lengths first (that leaks nothing secret).
function safeEqual(a, b) {
  return a.length === b.length && timingSafeEqual(a, b);
}

function idenfySignatureOk(body, header) {
  const expected = createHmac("sha256", SIGNING_KEY).update(body).digest("hex");
  return safeEqual(Buffer.from(expected), Buffer.from(String(header ?? "").trim().toLowerCase()));
}

function standardSignatureOk(body, msgId, timestamp, header) {
  const expected = createHmac("sha256", SIGNING_KEY)
    .update(`${msgId}.${timestamp}.`)
    .update(body)
    .digest();
  // The header may list several space-separated "v1,<base64>" values; one match is enough.
  let ok = false;
  for (const candidate of String(header ?? "").split(" ")) {
    const [version, signature] = candidate.split(",", 2);
    if (version === "v1" && signature && safeEqual(expected, Buffer.from(signature, "base64"))) {
      ok = true;
    }
  }
  return ok;
}

function timestampFresh(timestamp) {
  const sent = Number(timestamp);
  return Number.isInteger(sent) && Math.abs(Date.now() / 1000 - sent) <= TOLERANCE_SECONDS;
}

function handleEvent(eventType, event) {
  // Your business logic. Keep it fast (kycd waits at most 10 s) or hand it to a queue.
  console.log(`${eventType} scanRef=${event.scanRef} overall=${event.status.overall} final=${event.final}`);
}

function answer(res, status, text) {
  res.writeHead(status, { "Content-Type": "text/plain" });
  res.end(text);
}

createServer((req, res) => {
  if (req.method !== "POST") return answer(res, 405, "POST only");
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) req.destroy();
    else chunks.push(chunk);
  });
  req.on("end", () => {
    const body = Buffer.concat(chunks); // the raw bytes: verify these, never re-serialised JSON
    const msgId = req.headers["webhook-id"] ?? "";
    const timestamp = req.headers["webhook-timestamp"] ?? "";
    if (!idenfySignatureOk(body, req.headers["idenfy-signature"])) {
      return answer(res, 401, "bad Idenfy-Signature");
    }
    if (!standardSignatureOk(body, msgId, timestamp, req.headers["webhook-signature"])) {
      return answer(res, 401, "bad webhook-signature");
    }
    if (!timestampFresh(timestamp)) return answer(res, 401, "stale webhook-timestamp");

    if (!seenIds.has(msgId)) {
      seenIds.add(msgId);
      handleEvent(req.headers["idenfy-event-type"], JSON.parse(body.toString("utf8")));
    }
    answer(res, 200, "ok");
  });
}).listen(PORT, HOST, () => console.log(`listening on ${HOST}:${PORT}`));
