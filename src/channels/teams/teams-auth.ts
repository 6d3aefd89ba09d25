/**
 * Bot Framework authentication for the Teams channel, both ways: the inbound token on every
 * request to POST /api/messages, and the bot's own token for the Bot Connector.
 *
 * botbuilder 4.23 needs three corrections (found by running its CloudAdapter against a fake Bot
 * Framework, test/support/fake-bot-framework.ts):
 * - Setting any one endpoint (a test or sovereign cloud) makes it take every endpoint from the
 *   options, the unset ones as undefined (no issuer: every token refused). The unset ones are
 *   filled here from the public cloud's AuthenticationConstants.
 * - MSAL asks login.microsoftonline.com about any authority it does not know, which fails where
 *   that host is unreachable; botbuilder never passes `knownAuthorities`. The MSAL client is built
 *   here with the login host as its known authority and handed in through
 *   MsalServiceClientCredentialsFactory.
 * - A forged signature under a real key id comes out of the token check as a plain error, which
 *   CloudAdapter turns into a 500. Every failure of `authenticateRequest` becomes an
 *   AuthenticationError here (its message says why), which the channel answers with 401; what the
 *   check console.errors on the way is dropped (quiet-token-check.ts).
 * - Its connector client retries 429, 5xx and network errors itself (Azure core's default retry
 *   policy), so a request that reached Teams and lost its answer could be sent again. The policy
 *   is removed from every client made here: one send is one platform call, and the outbox alone
 *   decides what is retried (an unanswered request ends `uncertain`). Nor does it take an abort
 *   signal: a policy added here gives each request the one of its send (send-timeout.ts).
 */
import { ConfidentialClientApplication } from "@azure/msal-node";
import { type Activity, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import {
  type AuthenticateRequestResult,
  AuthenticationConstants,
  AuthenticationError,
  type ClaimsIdentity,
  type ConnectorClient,
  type ConnectorFactory,
  MsalServiceClientCredentialsFactory,
} from "botframework-connector";
import { quietly } from "./quiet-token-check.ts";
import { sendAbortPolicy } from "./send-timeout.ts";

/** What the Teams channel needs to authenticate (MICROSOFT_APP_* and the TEAMS_* overrides). */
export interface TeamsAuthOptions {
  appId: string;
  appPassword: string;
  /** MICROSOFT_APP_TENANT_ID: the bot's tenant (SingleTenant). */
  tenantId?: string;
  appType: "MultiTenant" | "SingleTenant";
  /** TEAMS_OPENID_METADATA_URL: where the inbound token keys are. */
  openIdMetadataUrl?: string;
  /** TEAMS_TOKEN_ISSUER: the issuer inbound tokens must carry. */
  tokenIssuer?: string;
  /** TEAMS_LOGIN_URL: the https authority the bot gets its own token from. */
  loginUrl?: string;
}

/** The authority the bot's outbound token comes from: the override, the tenant, or botframework.com. */
export function loginAuthority(options: TeamsAuthOptions): string {
  if (options.loginUrl) return options.loginUrl.replace(/\/+$/, "");
  const tenant =
    options.appType === "SingleTenant" && options.tenantId
      ? options.tenantId
      : AuthenticationConstants.DefaultChannelAuthTenant;
  return `${AuthenticationConstants.ToChannelFromBotLoginUrlPrefix}${tenant}`;
}

/** Every parameterised option, the unset ones at the public cloud's values. */
export function authenticationSettings(options: TeamsAuthOptions) {
  return {
    MicrosoftAppId: options.appId,
    MicrosoftAppTenantId: options.tenantId ?? "",
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: loginAuthority(options),
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: options.tokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl:
      options.openIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: "urn:botframework:azure",
  };
}

/** Authentication whose inbound failures are all AuthenticationErrors (401), saying why. */
class StrictBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(
    activity: Activity,
    authHeader: string,
  ): Promise<AuthenticateRequestResult> {
    if (!authHeader) throw this.refuse("no Authorization header");
    try {
      return await quietly(() => super.authenticateRequest(activity, authHeader));
    } catch (error) {
      throw this.refuse(error instanceof Error ? error.message : String(error));
    }
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const inner = super.createConnectorFactory(claimsIdentity);
    return {
      create: async (serviceUrl: string, audience?: string) =>
        forOneSend(await inner.create(serviceUrl, audience)),
    };
  }

  private refuse(reason: string): AuthenticationError {
    return new AuthenticationError(reason.slice(0, 200), 401);
  }
}

/** The connector client's Azure pipeline, as botbuilder-stdlib's ServiceClientContext holds it. */
interface WithPipeline {
  client?: {
    pipeline?: {
      removePolicy(options: { name: string }): unknown;
      addPolicy(policy: typeof sendAbortPolicy, options: { phase: "Serialize" }): void;
    };
  };
}

/** `client` as one outbox send needs it: no retries, its requests aborted with the send (send-timeout.ts). */
export function forOneSend(client: ConnectorClient): ConnectorClient {
  withoutRetries(client);
  (client as unknown as WithPipeline).client?.pipeline?.addPolicy(sendAbortPolicy, { phase: "Serialize" });
  return client;
}

/** `client` without Azure core's retry policy (named "defaultRetryPolicy" in core-rest-pipeline). */
export function withoutRetries(client: ConnectorClient): ConnectorClient {
  const pipeline = (client as unknown as WithPipeline).client?.pipeline;
  if (!pipeline) throw new Error("botframework-connector: no pipeline to take the retry policy out of");
  pipeline.removePolicy({ name: "defaultRetryPolicy" });
  return client;
}

/** Builds the BotFrameworkAuthentication that CloudAdapter uses. */
export function createTeamsAuthentication(options: TeamsAuthOptions) {
  const authority = loginAuthority(options);
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: options.appId,
      clientSecret: options.appPassword,
      authority,
      knownAuthorities: [new URL(authority).host],
    },
  });
  // The same class as botframework-connector's, seen through the ESM build's type declarations.
  type Client = ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1];
  const factory = new MsalServiceClientCredentialsFactory(options.appId, msal as unknown as Client);
  return new StrictBotFrameworkAuthentication(authenticationSettings(options), factory);
}
