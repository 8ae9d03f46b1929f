import { createDatabase, dataDirOf } from "@materi/platform";
import { loadShieldConfig } from "../config.js";
import { rotateSigningKey } from "../store/signingKeyStore.js";

// `node services/shield/dist/cli/rotateKey.js`: makes a new signing key the active one and retires
// the old one, which stays in the JWKS until the tokens it signed have expired, so nobody is
// logged out. Replicas pick the new key up within a minute (SigningKeyRing's reload).
const config = loadShieldConfig(process.env);
if (!config.DATABASE_URL) {
  console.error(`DATABASE_URL is not set; for embedded mode (${dataDirOf(config)}) rotate from a running Shield instead.`);
  process.exit(2);
}
const db = createDatabase({ url: config.DATABASE_URL, poolSize: 1, applicationName: "materi-shield-rotate-key" });
try {
  const kid = await rotateSigningKey(db);
  console.log(JSON.stringify({ rotated: true, kid }));
} finally {
  await db.close();
}
