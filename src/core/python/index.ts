/**
 * The Python-subset front end: tokenizer, syntax tree and parser. Pure TypeScript, no `vscode`.
 */
export * from './ast';
export { PythonErrorCode } from './errors';
export { isKeyword, KEYWORDS, MAX_BRACKET_DEPTH, tokenize } from './lexer';
export type { LexOptions, LexResult, NumberValue, Origin, StringValue, Token, TokenKind } from './lexer';
export { parseExpression, parseModule, parseTokens } from './parser';
export type { ParseOptions } from './parser';
export { MAX_EXPRESSION_DEPTH } from './stream';
