import { requiredFields, UserEventSchema, DocumentEventSchema, MembershipEventSchema } from "@materi/contracts";
import { describe, expect, it } from "vitest";
import { EVENT_CATALOG, EVENT_TYPES, UnknownEventTypeError, isEventType, payloadSchemaFor } from "./index.js";

describe("event catalog", () => {
  it("maps each event type to its payload message", () => {
    expect(payloadSchemaFor("user.created")).toBe(UserEventSchema);
    expect(payloadSchemaFor("document.unshared")).toBe(DocumentEventSchema);
    expect(payloadSchemaFor("workspace.member_role_changed")).toBe(MembershipEventSchema);
    const byMessage: Record<string, string[]> = {};
    for (const eventType of EVENT_TYPES) (byMessage[EVENT_CATALOG[eventType].name] ??= []).push(eventType);
    expect(byMessage).toEqual({
      UserEvent: ["user.created", "user.updated", "user.deleted"],
      DocumentEvent: ["document.created", "document.updated", "document.deleted", "document.shared", "document.unshared"],
      MembershipEvent: ["workspace.member_added", "workspace.member_role_changed", "workspace.member_removed"],
      CollaborationEvent: ["collaboration.edit", "collaboration.cursor", "collaboration.presence"],
      AiEvent: ["ai.generation.started", "ai.generation.completed", "ai.generation.failed"],
      SystemEvent: ["system.started", "system.stopping", "system.config_changed", "system.maintenance"],
    });
  });

  it("throws a clear error for a type it does not list", () => {
    expect(() => payloadSchemaFor("user.renamed")).toThrow(UnknownEventTypeError);
    expect(() => payloadSchemaFor("user.renamed")).toThrow(/unknown event type "user.renamed"/);
    // Object.prototype keys are not event types.
    expect(isEventType("toString")).toBe(false);
  });

  it("gives every payload a required field, so an encoded payload is never zero bytes", () => {
    // The envelope marks `payload` required; an all-default payload would encode to nothing.
    for (const eventType of EVENT_TYPES) expect(requiredFields(EVENT_CATALOG[eventType]).length, eventType).toBeGreaterThan(0);
  });
});
