/**
 * OpenID Connect (authorization code + PKCE, state and nonce) with openid-client 6, for DfE Sign-in or any
 * conforming issuer. The issuer's metadata is discovered once, on the first sign-in, not at start-up, so the
 * service starts even when the issuer is briefly unreachable.
 */
import * as client from 'openid-client';
import type { OidcConfig } from '#platform/config/app-config.js';

export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export class OidcSignIn {
  private configuration: Promise<client.Configuration> | null = null;

  constructor(private readonly config: OidcConfig) {}

  async start(): Promise<AuthorizationRequest> {
    const configuration = await this.discover();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUrl,
      scope: 'openid email profile organisation',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** Exchanges the code in `callbackUrl` and returns the ID token's claims (checks state, nonce, PKCE). */
  async finish(
    callbackUrl: URL,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<Record<string, unknown>> {
    const configuration = await this.discover();
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: expected.codeVerifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
    return { ...(tokens.claims() ?? {}) };
  }

  private discover(): Promise<client.Configuration> {
    this.configuration ??= client
      .discovery(new URL(this.config.issuerUrl), this.config.clientId, this.config.clientSecret ?? undefined)
      .catch((error: unknown) => {
        this.configuration = null;
        throw error;
      });
    return this.configuration;
  }
}
