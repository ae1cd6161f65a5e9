// Node types of the bundled tree-sitter grammars, grouped by what reads them. Each table spans the
// grammars: a node type means the same in every grammar that has it. Per-language facts (extensions,
// grammar, comments, documented definitions, doc style) are in ./registry.ts.

// Chunking (src/core/chunking/syntax.ts): declarations, named as chunk symbols.

/** Node types (across the bundled grammars) that declare something, and what they declare. */
export const DECLARATION_KINDS: Record<string, string> = {
  function_declaration: 'function',
  generator_function_declaration: 'function',
  function_signature: 'function',
  function_definition: 'function',
  function_item: 'function',
  function_statement: 'function',
  method_definition: 'method',
  method_declaration: 'method',
  method_signature: 'method',
  method_elem: 'method',
  method: 'function',
  singleton_method: 'method',
  constructor_declaration: 'method',
  class_method_definition: 'method',
  abstract_method_signature: 'method',
  class_declaration: 'class',
  abstract_class_declaration: 'class',
  class_definition: 'class',
  class_specifier: 'class',
  class_statement: 'class',
  class: 'class',
  record_declaration: 'class',
  interface_declaration: 'interface',
  annotation_type_declaration: 'interface',
  trait_item: 'trait',
  trait_declaration: 'trait',
  struct_item: 'struct',
  struct_specifier: 'struct',
  struct_declaration: 'struct',
  union_item: 'struct',
  union_specifier: 'struct',
  enum_declaration: 'enum',
  enum_item: 'enum',
  enum_specifier: 'enum',
  type_alias_declaration: 'type',
  type_item: 'type',
  type_definition: 'type',
  alias_declaration: 'type',
  impl_item: 'impl',
  mod_item: 'namespace',
  module: 'namespace',
  internal_module: 'namespace',
  namespace_definition: 'namespace',
  namespace_declaration: 'namespace',
  macro_definition: 'macro',
  const_item: 'variable',
  static_item: 'variable',
  const_spec: 'variable',
  var_spec: 'variable',
  public_field_definition: 'property',
  field_definition: 'property',
  property_signature: 'property',
  property_declaration: 'property',
  field_declaration: 'property',
  rule_set: 'rule',
  media_statement: 'rule',
  keyframes_statement: 'rule',
  supports_statement: 'rule',
  section: 'section',
};

/** Nodes that only wrap a declaration: looked through to find it. */
export const DECLARATION_WRAPPERS = new Set([
  'export_statement',
  'ambient_declaration',
  'decorated_definition',
  'template_declaration',
  'expression_statement',
  'lexical_declaration',
  'variable_declaration',
  'type_declaration',
  'const_declaration',
  'var_declaration',
]);

/**
 * Calls whose last argument is a callback, like `describe('x', () => { ... })` or Ruby's
 * `describe X do ... end`: the callback's statements are the parts, as a function's would be.
 */
export const CALL_WRAPPERS = new Set([
  'expression_statement',
  'call_expression',
  'arguments',
  'await_expression',
  'call',
]);

export const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

// The golden-set bootstrap and the style dataset (src/core/eval/documented-symbols.ts): doc comments.

/** Nodes that may stand between a doc comment and what it documents. */
export const DOC_WRAPPERS = new Set([
  'export_statement',
  'lexical_declaration',
  'variable_declaration',
  'decorated_definition',
  'type_declaration',
]);
export const BETWEEN_DOC_AND_DEFINITION = new Set(['decorator', 'attribute_item']);
export const COMMENT_TYPES = new Set(['comment', 'line_comment', 'block_comment']);

// Completion (src/core/completion/symbols.ts): names near the cursor and where the file defines them.

/** Node types that name something, across the grammars RepoSage loads. */
export const NAME_TYPES = [
  'identifier',
  'type_identifier',
  'property_identifier',
  'field_identifier',
  'shorthand_property_identifier',
  'constant',
];

/** A node that declares what its `name` field names: functions, classes, methods, types, variables. */
export const NAMED_DEFINITION_TYPE = /(definition|declaration|declarator|signature|_item|_spec)$/;

// The style dataset's file outline (src/core/style/dataset/file-outline.ts).

/** Top-level statements that bring names into a file, across the supported grammars. */
export const OUTLINE_IMPORT = new Set([
  'import_statement',
  'import_from_statement',
  'future_import_statement',
  'import_declaration',
  'use_declaration',
  'extern_crate_declaration',
  'using_directive',
  'package_clause',
  'package_declaration',
]);

/** Definitions whose first line says what a file offers. */
export const OUTLINE_DEFINITION = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_definition',
  'function_item',
  'method_definition',
  'method_declaration',
  'constructor_declaration',
  'method',
  'singleton_method',
  'class_declaration',
  'abstract_class_declaration',
  'class_definition',
  'class',
  'module',
  'interface_declaration',
  'type_alias_declaration',
  'enum_declaration',
  'struct_item',
  'enum_item',
  'trait_item',
  'impl_item',
  'type_declaration',
]);
/** Nodes that wrap a definition without being one. */
export const OUTLINE_WRAPPER = new Set(['export_statement', 'decorated_definition']);
