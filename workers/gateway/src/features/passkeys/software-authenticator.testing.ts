import { fromBase64Url, toBase64Url } from "@fun/core";
import { isoCBOR } from "@simplewebauthn/server/helpers";

/**
 * A software passkey for tests: a real P-256 key pair producing real WebAuthn attestation ("none")
 * and assertion responses, so the server's verification runs unchanged against it.
 */
export class SoftwareAuthenticator {
  readonly credentialId = crypto.getRandomValues(new Uint8Array(16));
  counter = 0;
  /** The user handle (base64url) the RP gave at registration; assertions return it, as passkeys do. */
  userHandle: string | undefined;

  private constructor(private readonly keys: CryptoKeyPair) {}

  static async create(): Promise<SoftwareAuthenticator> {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    return new SoftwareAuthenticator(keys);
  }

  get id(): string {
    return toBase64Url(this.credentialId);
  }

  /** The answer to navigator.credentials.create() for these options. */
  async register(options: { challenge: string; user?: { id: string } }, origin: string, rpId: string) {
    this.userHandle = options.user?.id;
    const jwk = (await crypto.subtle.exportKey("jwk", this.keys.publicKey)) as JsonWebKey;
    const coordinate = (value: string | undefined) => new Uint8Array(fromBase64Url(value ?? ""));
    const coseKey = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, coordinate(jwk.x)],
        [-3, coordinate(jwk.y)],
      ]),
    );
    const idLength = new Uint8Array([0, this.credentialId.length]);
    const authData = concat(
      await sha256(rpId),
      new Uint8Array([0x45]), // user present, user verified, attested credential data
      counterBytes(this.counter),
      new Uint8Array(16), // AAGUID: none
      idLength,
      this.credentialId,
      coseKey,
    );
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]) as never,
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      clientExtensionResults: {},
      response: {
        clientDataJSON: clientData("webauthn.create", options.challenge, origin),
        attestationObject: toBase64Url(attestationObject),
        transports: ["internal"],
      },
    };
  }

  /**
   * The answer to navigator.credentials.get(): the counter moves on by one unless `counter` sets it,
   * and `signer` (this key unless a test swaps it) signs.
   */
  async assert(
    options: { challenge: string },
    origin: string,
    rpId: string,
    overrides: { signer?: CryptoKey; counter?: number; userHandle?: string } = {},
  ) {
    this.counter = overrides.counter ?? this.counter + 1;
    const userHandle = overrides.userHandle ?? this.userHandle;
    const authenticatorData = concat(await sha256(rpId), new Uint8Array([0x05]), counterBytes(this.counter));
    const clientDataJSON = clientData("webauthn.get", options.challenge, origin);
    const signed = concat(authenticatorData, await sha256Bytes(fromBase64Url(clientDataJSON)));
    const raw = new Uint8Array(
      await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" },
        overrides.signer ?? this.keys.privateKey,
        signed,
      ),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      clientExtensionResults: {},
      response: {
        clientDataJSON,
        authenticatorData: toBase64Url(authenticatorData),
        signature: toBase64Url(derSignature(raw)),
        ...(userHandle ? { userHandle } : {}),
      },
    };
  }
}

function clientData(type: string, challenge: string, origin: string): string {
  return toBase64Url(
    new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false })),
  );
}

function counterBytes(counter: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, counter);
  return bytes;
}

async function sha256(text: string): Promise<Uint8Array> {
  return sha256Bytes(new TextEncoder().encode(text));
}

async function sha256Bytes(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** WebCrypto signs ECDSA as r‖s; WebAuthn carries it DER-encoded. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = bytes.slice(start);
    const padded = (trimmed[0] ?? 0) & 0x80 ? concat(new Uint8Array([0]), trimmed) : trimmed;
    return concat(new Uint8Array([0x02, padded.length]), padded);
  };
  const body = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}
