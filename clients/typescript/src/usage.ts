// What an integrator's TypeScript writes with the generated types; `tsc --noEmit` checks it
// against src/coprod.ts, so a change to the document that would break such code fails here.
import type { components, operations, paths } from "./coprod.js";

type Schemas = components["schemas"];

// A request body asks for what a caller sends, never for what the server sets.
export const body: Schemas["InitiativeInput"] = {
  toolkit: "coproduction-star",
  title: "Lunch club review",
  external_ref: "crm-4711",
};

export const withAnId: Schemas["InitiativeInput"] = {
  toolkit: "coproduction-star",
  title: "Walks",
  // @ts-expect-error: id is the server's to set, so a request body has none
  id: "ini_01",
};

// An answer has every field: no `?` to check before using the id or the version.
export function describe(initiative: Schemas["Initiative"]): string {
  return `${initiative.id} v${initiative.version}, in ${initiative.stage}`;
}

export function readOnlyId(initiative: Schemas["Initiative"]): void {
  // @ts-expect-error: read-only fields of an answer cannot be assigned
  initiative.id = "ini_02";
}

// Operations are named by their operationId, with their answers by status.
type Created = operations["createInitiative"]["responses"][201]["content"]["application/json"];
export const created = (answer: Created): string => answer.id;

type Refused =
  operations["createInitiative"]["responses"][422]["content"]["application/problem+json"];
export const codeOf = (problem: Refused): string | undefined => problem.code;

// A page is walked by its cursor until next_cursor is null.
export function nextCursor(page: Schemas["InitiativePage"]): string | null {
  return page.next_cursor;
}

// Paths carry their parameters, for a typed fetch wrapper such as openapi-fetch.
type ProgressPath = paths["/api/v1/initiatives/{initiative_id}/progress"]["get"];
export const progressOf = (
  id: string,
): ProgressPath["parameters"]["path"] => ({ initiative_id: id });
