import { GraphQLError, Kind } from 'graphql';

/** graphql-js's sentences about the shape of an input: they name types and fields, never a value that was sent. */
const SHAPE_REASONS = [
  /^Expected type "\w+" to be an object\.$/,
  /^Expected non-nullable type "[\w[\]!]+" not to be null\.$/,
  /^Field "\w+" of required type "[\w[\]!]+" was not provided\.$/,
  /^Field "\w+" is not defined by type "\w+"\.(?: Did you mean [^?]*\?)?$/,
  /^Exactly one key must be specified for OneOf type "\w+"\.$/,
  /^Field "\w+" must be non-null\.$/,
  /^Upload value invalid\. Expected Upload instance\.$/,
];

/** A scalar's or an enum's refusal, cut before the value it quotes ("String cannot represent a non string value: 5"). */
const LEAF_REASONS: [RegExp, string][] = [
  [/^((?:Int|Float|String|Boolean|ID|Enum "\w+") cannot represent [\w -]*?value): [\s\S]*$/, '$1.'],
  [/^Value "[\s\S]*" does not exist in "(\w+)" enum\.((?: Did you mean [^?]*\?)?)$/, 'Value does not exist in "$1" enum.$2'],
  [/^(Expected type "\w+"\.)[\s\S]*$/, '$1'],
];

/** A literal in the query that does not fit its type: `Expected value of type "Int", found <the literal>; <why>`. */
const INVALID_LITERAL = /^Expected value of type "([^"]+)", found [\s\S]*$/;
const INVALID_VARIABLE = /^Variable "\$(\w+)" got invalid value /;
const PATH_AT_END = / at "(\w+(?:\.\w+|\[\d+\])*)"$/;
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/** A variable graphql-js refused before running anything: always the client's to fix. */
export const isInvalidVariable = (error: unknown): error is GraphQLError =>
  error instanceof GraphQLError && error.nodes?.length === 1 && error.nodes[0].kind === Kind.VARIABLE_DEFINITION && error.message.startsWith('Variable "$');

const leafReason = (reason: string): string | undefined => {
  const leaf = LEAF_REASONS.find(([pattern]) => pattern.test(reason));
  return leaf ? reason.replace(leaf[0], leaf[1]) : undefined;
};

/**
 * graphql-js quotes what it refused: a whole input object (its password and registration code too) or a literal.
 * The message keeps the variable, the path and the reason, not the value; a reason not known to be value-free is left out.
 */
const invalidVariableMessage = (error: GraphQLError): string => {
  const name = INVALID_VARIABLE.exec(error.message)![1];
  const reason = error.originalError?.message;
  const prefix = reason !== undefined && error.message.endsWith(`; ${reason}`) ? error.message.slice(0, -(reason.length + 2)) : '';
  const at = PATH_AT_END.exec(prefix)?.[1];
  const why = reason === undefined ? undefined : SHAPE_REASONS.some((shape) => shape.test(reason)) ? reason : leafReason(reason);
  return `Variable "$${name}" got an invalid value${at ? ` at "${at}"` : ''}${why ? `; ${why}` : '.'}`;
};

/** The message a client may read: no input value quoted back, and in production no "Did you mean" naming parts of the schema. */
export const clientMessage = (error: unknown, message: string, hideSuggestions: boolean): string => {
  const safe =
    isInvalidVariable(error) && INVALID_VARIABLE.test(message)
      ? invalidVariableMessage(error)
      : INVALID_LITERAL.test(message)
        ? message.replace(INVALID_LITERAL, 'Expected value of type "$1".')
        : (leafReason(message) ?? message);
  return hideSuggestions ? safe.replace(SUGGESTION, '') : safe;
};
