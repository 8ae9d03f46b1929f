import * as Y from "yjs";

/** ContentDoc's ref: a subdocument, whose options come off the wire and are written back as they came. */
const CONTENT_DOC_REF = 9;

/**
 * Whether the bytes integrate into an empty document without throwing. Checked before the append:
 * bytes that decode but cannot be applied would otherwise sit in the log and break every load.
 *
 * Applying every keystroke to a scratch Y.Doc cost ~15-20 µs (a Doc with a random clientID, a
 * transaction, the pending structs re-encoded), mostly for nothing: on an empty document a struct
 * can only integrate if its clock is 0 (every client's state is 0 there, and a later clock only
 * follows an earlier one of its client). An update with no struct at clock 0 integrates nothing:
 * applying it is decoding it (`Y.decodeUpdate` runs the same readers) and re-encoding its structs
 * and delete ranges as pending. The other conditions keep that re-encoding from throwing: no empty
 * struct (it can send the store's binary search off its array), no empty delete range (its
 * encoder refuses one), no subdocument (its guid comes from decoded options of any type). Any other
 * update (a client's first, a paragraph from a fresh session, anything unusual) is still applied to
 * a scratch document. appliesCleanly.test.ts checks both paths give the same verdict.
 */
export function appliesCleanly(update: Uint8Array): boolean {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return false;
  }
  return (decoded.structs.every(integratesNothingSafely) && deletesSomething(decoded.ds)) || appliesToScratchDocument(update);
}

function integratesNothingSafely(struct: Y.Item | Y.GC | Y.Skip): boolean {
  if (struct.id.clock === 0 || struct.length <= 0 || struct instanceof Y.Skip) return false;
  return !(struct instanceof Y.Item) || struct.content.getRef() !== CONTENT_DOC_REF;
}

/** No empty delete range: on an empty document every range stays pending, and re-encoding an empty one throws. */
function deletesSomething(ds: ReturnType<typeof Y.decodeUpdate>["ds"]): boolean {
  for (const items of ds.clients.values()) for (const item of items) if (!(item.len > 0)) return false;
  return true;
}

function appliesToScratchDocument(update: Uint8Array): boolean {
  // A fixed guid: a generated one costs ~30 crypto.getRandomValues calls, per update.
  const scratch = new Y.Doc({ gc: false, guid: "relay-update-check" });
  try {
    Y.applyUpdate(scratch, update);
    return true;
  } catch {
    return false;
  } finally {
    scratch.destroy();
  }
}
