import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
  getNamedType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Limits } from "../config.js";

/** extensions.code of each limit's error, stable for clients. */
export const LIMIT_ERROR_CODES = {
  depth: "DEPTH_LIMIT_EXCEEDED",
  aliases: "ALIAS_LIMIT_EXCEEDED",
  tokens: "TOKEN_LIMIT_EXCEEDED",
  cost: "COST_LIMIT_EXCEEDED",
  pageSize: "PAGE_SIZE_EXCEEDED",
} as const;

/** Page size assumed for a connection asked for without `first` or `last` (the schema's default). */
export const DEFAULT_PAGE_SIZE = 20;

/**
 * graphql-armor rejects with a plain "Syntax Error: …" GraphQLError; give it a code and drop the
 * misleading prefix. Armor throws this same error object afterwards.
 */
function tag(code: string) {
  return [
    (_context: unknown, error: GraphQLError) => {
      (error.extensions as Record<string, unknown>).code = code;
      error.message = error.message.replace(/^Syntax Error: /, "");
    },
  ];
}

/**
 * Estimated cost of an operation, roughly the number of rows it can make the server read:
 * - every field whose type is an object, interface or union costs 1, and so does `totalCount`
 *   (a count query); other scalars cost 0; the Connection/Edge/PageInfo wrappers cost 0 (their
 *   nodes carry the cost);
 * - a connection multiplies the cost of what it selects by its page size (`first` or `last`,
 *   DEFAULT_PAGE_SIZE when neither is given); plain lists count once;
 * - introspection (`__schema`, `__type`) costs nothing.
 * Type conditions on abstract types are added up (an upper bound). Throws a PAGE_SIZE_EXCEEDED
 * GraphQLError when a `first`/`last` is larger than `maxPageSize`.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  maxPageSize: number,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const valueOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) return variables?.[node.name.value];
    if (node.kind === Kind.INT) return Number(node.value);
    return undefined;
  };

  const selectionCost = (type: GraphQLCompositeType, selectionSet: SelectionSetNode, visiting: ReadonlySet<string>): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (condition && isCompositeType(condition)) cost += selectionCost(condition, selection.selectionSet, visiting);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || visiting.has(fragment.name.value)) continue;
        const condition = schema.getType(fragment.typeCondition.name.value);
        if (condition && isCompositeType(condition)) {
          cost += selectionCost(condition, fragment.selectionSet, new Set([...visiting, fragment.name.value]));
        }
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith("__")) continue;
      const field: GraphQLField<unknown, unknown> | undefined =
        isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
      if (!field) continue;
      const fieldType = getNamedType(field.type);
      if (!isCompositeType(fieldType) || !selection.selectionSet) {
        if (name === "totalCount") cost += 1;
        continue;
      }
      const wrapper = /(Connection|Edge)$/.test(fieldType.name) || fieldType.name === "PageInfo";
      let multiplier = 1;
      if (field.args.some((arg) => arg.name === "first" || arg.name === "last")) {
        let size: number | undefined;
        for (const argument of selection.arguments ?? []) {
          if (argument.name.value !== "first" && argument.name.value !== "last") continue;
          const value = valueOf(argument.value);
          if (typeof value !== "number") continue;
          if (value > maxPageSize) {
            throw new GraphQLError(`${name}(${argument.name.value}: ${value}) asks for more than the page size limit of ${maxPageSize}.`, {
              nodes: [argument],
              extensions: { code: LIMIT_ERROR_CODES.pageSize, limit: maxPageSize },
            });
          }
          size = Math.max(size ?? 0, value);
        }
        multiplier = size ?? DEFAULT_PAGE_SIZE;
      }
      cost += (wrapper ? 0 : 1) + multiplier * selectionCost(fieldType, selection.selectionSet, visiting);
    }
    return cost;
  };
  return selectionCost(root, operation.selectionSet, new Set());
}

interface OperationArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Readonly<Record<string, unknown>> | null;
}

/** Rejects operations whose cost exceeds the limit, and pages larger than the page size limit. */
function costPlugin(limits: Pick<Limits, "maxCost" | "maxPageSize">): Plugin {
  const check = (args: OperationArgs): GraphQLError | null => {
    try {
      const cost = operationCost(args.schema, args.document, args.operationName, args.variableValues, limits.maxPageSize);
      if (cost <= limits.maxCost) return null;
      return new GraphQLError(
        `Query cost limit of ${limits.maxCost} exceeded, found ${cost}. Ask for smaller pages or fewer nested connections.`,
        { extensions: { code: LIMIT_ERROR_CODES.cost, limit: limits.maxCost, cost } },
      );
    } catch (error) {
      if (error instanceof GraphQLError) return error;
      throw error;
    }
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

/** Depth, alias and token limits (graphql-armor) and the cost and page size limits. */
export function limitPlugins(limits: Pick<Limits, "maxDepth" | "maxCost" | "maxAliases" | "maxTokens" | "maxPageSize">): Plugin[] {
  return [
    maxTokensPlugin({ n: limits.maxTokens, onReject: tag(LIMIT_ERROR_CODES.tokens) }) as Plugin,
    maxDepthPlugin({ n: limits.maxDepth, onReject: tag(LIMIT_ERROR_CODES.depth) }) as Plugin,
    maxAliasesPlugin({ n: limits.maxAliases, onReject: tag(LIMIT_ERROR_CODES.aliases) }) as Plugin,
    costPlugin(limits),
  ];
}
