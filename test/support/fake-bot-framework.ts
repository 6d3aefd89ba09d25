/**
 * A fake Bot Framework on 127.0.0.1 (random port, https with the run's test certificate), spoken to
 * over the real protocol by botbuilder's own CloudAdapter:
 * - the channel's OpenID metadata and JWKS (`openIdMetadataUrl`): an RSA key, endorsed for
 *   `msteams`, that `signToken` signs inbound tokens with (jose); `forgeToken` makes the bad ones;
 * - a login host (`loginUrl`, an MSAL authority): OpenID configuration and a client-credentials
 *   token endpoint that checks the app id and password and hands out the bot's outbound token;
 * - a Bot Connector (`serviceUrl`) that records every activity the bot sends (with the bearer
 *   token it came with) and answers with an error on demand (`failNext`: 429, 403, …), or late
 *   (`holdNext`: the answer waits, and the call records when the bot gave up on it). A POST to
 *   `/v3/conversations/{id}/activities` is a new activity (`sent`, answered with its id); a PUT to
 *   `/v3/conversations/{id}/activities/{activityId}` updates one (`updates`), as the real
 *   connector's UpdateActivity does, and is answered 404 for an id it did not hand out in that
 *   conversation (or one `forget` made it lose: deleted, or too old).
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { inject } from "vitest";

export interface FakeBotFrameworkOptions {
  appId: string;
  appPassword: string;
  tenantId?: string;
  /** The issuer inbound tokens carry (the app's TEAMS_TOKEN_ISSUER). */
  issuer?: string;
}

/** An activity the bot sent to the connector, or an update of one. */
export interface SentActivity {
  method: "POST" | "PUT";
  conversationId: string;
  /** The activity's id: the one the fake handed out (POST), or the one updated (PUT). */
  id?: string;
  /** Set when the bot replied to an activity (POST …/activities/{id}). */
  replyToId?: string;
  activity: Record<string, unknown>;
  /** The bearer token it carried (issued by the login host, or not). */
  authorization: string | undefined;
  /** The status the fake answered (0: it kept the activity and dropped the connection unanswered). */
  status: number;
  /** When the fake read it (Date.now()). */
  at: number;
  /** When the bot closed the request before the fake answered it (a held one), if it did. */
  abandonedAt?: number;
}

/**
 * What `failNext` answers instead of accepting the activity; status 0 keeps (delivers) the activity
 * and drops the connection without an answer, as when a response is lost on the way back.
 */
export interface ConnectorFailure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Only a request to this conversation meets it (others in flight pass); unset: the next request. */
  conversationId?: string;
}

/** How a forged token is wrong. */
export type Forgery =
  | "unknown-key"
  | "same-kid-wrong-signature"
  | "wrong-audience"
  | "expired-beyond-skew"
  | "service-url-mismatch"
  | "wrong-issuer";

export interface FakeBotFramework {
  origin: string;
  openIdMetadataUrl: string;
  issuer: string;
  loginUrl: string;
  /** The serviceUrl activities carry (Teams' regional smba host stands in here). */
  serviceUrl: string;
  /** A valid inbound token for an activity from `serviceUrl`; `expiresInSeconds` may be negative. */
  signToken(options?: {
    serviceUrl?: string;
    expiresInSeconds?: number;
    claims?: JWTPayload;
  }): Promise<string>;
  forgeToken(how: Forgery): Promise<string>;
  /** Accepted new activities (POST), in arrival order. */
  sent: SentActivity[];
  /** Accepted updates of an activity (PUT), in arrival order. */
  updates: SentActivity[];
  /** Every call to the connector, failed ones included. */
  attempts: SentActivity[];
  /** Tokens the login host issued (client credentials). */
  issuedTokens: string[];
  failNext(failure: ConnectorFailure, times?: number): void;
  /** The next connector call is answered `ms` later (as usual, if the bot still waits). */
  holdNext(ms: number): void;
  /** The connector no longer knows activity `id` (deleted, too old): an update of it gets 404. */
  forget(id: string): void;
  waitForSent(count: number, timeoutMs?: number): Promise<SentActivity[]>;
  close(): Promise<void>;
}

const CHANNEL = "/botframework/v1";

/** Starts the fake; close it in afterAll. */
export async function startFakeBotFramework(options: FakeBotFrameworkOptions): Promise<FakeBotFramework> {
  const tenantId = options.tenantId ?? randomUUID();
  const signing = await generateKeyPair("RS256", { extractable: true });
  const stranger = await generateKeyPair("RS256", { extractable: true });
  const kid = `test-key-${randomUUID().slice(0, 8)}`;
  const jwk = {
    ...(await exportJWK(signing.publicKey)),
    kid,
    use: "sig",
    alg: "RS256",
    endorsements: ["msteams"],
  };
  const sent: SentActivity[] = [];
  const updates: SentActivity[] = [];
  /** Activity id → its conversation, for every activity the fake accepted. */
  const known = new Map<string, string>();
  const attempts: SentActivity[] = [];
  const issuedTokens: string[] = [];
  const failures: ConnectorFailure[] = [];
  const holds: number[] = [];
  let origin = "";
  const issuer = options.issuer ?? "https://api.botframework.com";

  let nextId = 0;
  /** Keeps an accepted call; a new activity gets its id. */
  const accept = (record: SentActivity, list: SentActivity[]): string => {
    if (record.method === "POST") {
      record.id = `act-${++nextId}`;
      known.set(record.id, record.conversationId);
    }
    list.push(record);
    return record.id ?? "";
  };

  const routes = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? "/", origin);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(value));
    };
    if (req.method === "GET" && url.pathname === `${CHANNEL}/.well-known/openid-configuration`) {
      return json(200, {
        issuer,
        jwks_uri: `${origin}${CHANNEL}/keys`,
        id_token_signing_alg_values_supported: ["RS256"],
      });
    }
    if (req.method === "GET" && url.pathname === `${CHANNEL}/keys`) return json(200, { keys: [jwk] });
    if (req.method === "GET" && url.pathname === `/${tenantId}/v2.0/.well-known/openid-configuration`) {
      const base = `${origin}/${tenantId}`;
      return json(200, {
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ["code", "id_token", "token"],
      });
    }
    if (req.method === "POST" && url.pathname === `/${tenantId}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(body);
      if (form.get("client_id") !== options.appId || form.get("client_secret") !== options.appPassword) {
        return json(401, { error: "invalid_client", error_description: "wrong app id or password" });
      }
      const token = `fake-outbound-${randomUUID()}`;
      issuedTokens.push(token);
      return json(200, { token_type: "Bearer", expires_in: 3600, ext_expires_in: 3600, access_token: token });
    }
    const activityPath = /^\/connector\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(
      url.pathname,
    );
    const method = req.method === "POST" || req.method === "PUT" ? req.method : undefined;
    if (activityPath && method && (method === "POST" || activityPath[2])) {
      const conversationId = decodeURIComponent(activityPath[1] ?? "");
      const pathId = activityPath[2] ? decodeURIComponent(activityPath[2]) : undefined;
      const record: SentActivity = {
        method,
        conversationId,
        ...(method === "PUT" ? { id: pathId } : pathId ? { replyToId: pathId } : {}),
        activity: JSON.parse(body || "{}") as Record<string, unknown>,
        authorization: req.headers.authorization,
        status: 200,
        at: Date.now(),
      };
      attempts.push(record);
      const hold = holds.shift();
      if (hold !== undefined) {
        res.on("close", () => {
          if (!res.writableFinished) record.abandonedAt = Date.now();
        });
        await new Promise((resolve) => setTimeout(resolve, hold).unref());
        if (record.abandonedAt !== undefined) return;
      }
      const bearer = req.headers.authorization?.replace(/^Bearer /, "");
      if (!bearer || !issuedTokens.includes(bearer)) {
        record.status = 401;
        return json(401, { error: { code: "Unauthorized", message: "no valid token" } });
      }
      const index = failures.findIndex((f) => !f.conversationId || f.conversationId === conversationId);
      const failure = index < 0 ? undefined : failures.splice(index, 1)[0];
      if (method === "PUT" && !failure && known.get(pathId ?? "") !== conversationId) {
        record.status = 404;
        return json(404, { error: { code: "NotFound", message: "The activity was not found" } });
      }
      const accepted = method === "PUT" ? updates : sent;
      if (failure?.status === 0) {
        record.status = 0;
        accept(record, accepted);
        return void res.socket?.destroy();
      }
      if (failure) {
        record.status = failure.status;
        return json(failure.status, failure.body ?? {}, failure.headers);
      }
      return json(200, { id: accept(record, accepted) });
    }
    json(404, { error: "not found" });
  };

  const server: Server = createServer(
    { cert: readFileSync(inject("tlsCertFile")), key: readFileSync(inject("tlsKeyFile")) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        routes(req, res, Buffer.concat(chunks).toString("utf8")).catch((error: Error) => {
          res.writeHead(500);
          res.end(error.message);
        });
      });
    },
  );
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const serviceUrl = `${origin}/connector/`;

  const sign = (payload: JWTPayload, key: CryptoKey, keyId: string, exp: number) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: "RS256", kid: keyId, typ: "JWT" })
      .setIssuedAt(exp - 3600)
      .setNotBefore(exp - 3600)
      .setExpirationTime(exp)
      .sign(key);
  const claimsFor = (url: string, extra: JWTPayload = {}): JWTPayload => ({
    iss: issuer,
    aud: options.appId,
    serviceurl: url,
    ...extra,
  });
  const now = () => Math.floor(Date.now() / 1000);

  return {
    origin,
    openIdMetadataUrl: `${origin}${CHANNEL}/.well-known/openid-configuration`,
    issuer,
    loginUrl: `${origin}/${tenantId}`,
    serviceUrl,
    sent,
    updates,
    attempts,
    issuedTokens,
    signToken: ({ serviceUrl: url = serviceUrl, expiresInSeconds = 3600, claims } = {}) =>
      sign(claimsFor(url, claims), signing.privateKey, kid, now() + expiresInSeconds),
    forgeToken(how) {
      const exp = now() + 3600;
      switch (how) {
        case "unknown-key":
          return sign(claimsFor(serviceUrl), stranger.privateKey, "stranger-key", exp);
        case "same-kid-wrong-signature":
          return sign(claimsFor(serviceUrl), stranger.privateKey, kid, exp);
        case "wrong-audience":
          return sign(claimsFor(serviceUrl, { aud: randomUUID() }), signing.privateKey, kid, exp);
        case "expired-beyond-skew":
          return sign(claimsFor(serviceUrl), signing.privateKey, kid, now() - 6 * 60);
        case "service-url-mismatch":
          return sign(claimsFor("https://evil.example/"), signing.privateKey, kid, exp);
        case "wrong-issuer":
          return sign(claimsFor(serviceUrl, { iss: "https://evil.example" }), signing.privateKey, kid, exp);
      }
    },
    failNext(failure, times = 1) {
      for (let i = 0; i < times; i++) failures.push(failure);
    },
    holdNext(ms) {
      holds.push(ms);
    },
    forget(id) {
      known.delete(id);
    },
    async waitForSent(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (sent.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} activities, got ${sent.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return sent;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close").catch(() => undefined);
    },
  };
}
