//! Schema model: blocks, attributes, nested attributes and blocks, functions.

use crate::types::Type;
use crate::value::Value;
use tfplugin_proto::tfplugin6 as pb;

/// How a description is formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DescriptionKind {
    /// Plain text.
    Plain,
    /// Markdown (the registry renders it).
    #[default]
    Markdown,
}

impl DescriptionKind {
    fn to_proto(self) -> i32 {
        match self {
            DescriptionKind::Plain => pb::StringKind::Plain as i32,
            DescriptionKind::Markdown => pb::StringKind::Markdown as i32,
        }
    }
}

/// A versioned schema of a provider, resource or data source.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Schema version; bump it when stored state needs an upgrade.
    pub version: i64,
    /// The top-level block.
    pub block: Block,
}

impl Schema {
    /// A version-0 schema of `block`.
    pub fn new(block: Block) -> Self {
        Self { version: 0, block }
    }

    /// The same schema at `version`.
    #[must_use]
    pub fn with_version(mut self, version: i64) -> Self {
        self.version = version;
        self
    }

    /// The cty type of values of this schema.
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }

    /// Checks the schema for mistakes Terraform would reject or misread:
    /// bad or duplicate names, attributes that are neither or both required and
    /// optional/computed, write-only attributes that are computed. Returns one
    /// message per problem, each naming the attribute path.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        self.block
            .check(&crate::path::AttributePath::root(), &mut problems);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    pub(crate) fn to_proto(&self) -> pb::Schema {
        let mut block = self.block.to_proto();
        block.version = self.version;
        pb::Schema {
            version: self.version,
            block: Some(block),
        }
    }
}

/// A configuration block: attributes and nested blocks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    /// Attributes, in documentation order.
    pub attributes: Vec<Attribute>,
    /// Nested blocks.
    pub blocks: Vec<NestedBlock>,
    /// Description.
    pub description: String,
    /// Format of the description.
    pub description_kind: DescriptionKind,
    /// Whether the whole block is deprecated.
    pub deprecated: bool,
}

impl Block {
    /// An empty block.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an attribute.
    #[must_use]
    pub fn attribute(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }

    /// Adds a nested block.
    #[must_use]
    pub fn block(mut self, b: NestedBlock) -> Self {
        self.blocks.push(b);
        self
    }

    /// Sets the description (markdown).
    #[must_use]
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }

    /// Looks up an attribute by name.
    pub fn get_attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The cty object type of this block's values.
    pub fn value_type(&self) -> Type {
        let mut attrs: std::collections::BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.value_type()))
            .collect();
        for b in &self.blocks {
            let inner = b.block.value_type();
            let t = match b.nesting {
                BlockNesting::Single | BlockNesting::Group => inner,
                BlockNesting::List => Type::list(inner),
                BlockNesting::Set => Type::set(inner),
                BlockNesting::Map => Type::map(inner),
            };
            attrs.insert(b.type_name.clone(), t);
        }
        Type::Object(attrs)
    }

    /// Sets every write-only attribute in `v` (a value of this block) to null,
    /// at any depth. Terraform rejects plans and states that carry them.
    pub fn null_write_only(&self, v: &mut Value) {
        let Value::Object(m) = v else { return };
        for a in &self.attributes {
            let Some(av) = m.get_mut(&a.name) else {
                continue;
            };
            if a.write_only {
                *av = Value::Null;
            } else if let AttributeKind::Nested(n) = &a.kind {
                let inner = Block {
                    attributes: n.attributes.clone(),
                    ..Block::default()
                };
                match (n.nesting, av) {
                    (ObjectNesting::Single, o) => inner.null_write_only(o),
                    (_, Value::List(items) | Value::Set(items)) => {
                        items.iter_mut().for_each(|o| inner.null_write_only(o))
                    }
                    (_, Value::Map(items)) => {
                        items.values_mut().for_each(|o| inner.null_write_only(o))
                    }
                    _ => {}
                }
            }
        }
        for b in &self.blocks {
            let Some(bv) = m.get_mut(&b.type_name) else {
                continue;
            };
            match bv {
                Value::List(items) | Value::Set(items) => {
                    items.iter_mut().for_each(|o| b.block.null_write_only(o))
                }
                Value::Map(items) => items.values_mut().for_each(|o| b.block.null_write_only(o)),
                o => b.block.null_write_only(o),
            }
        }
    }

    fn check(&self, at: &crate::path::AttributePath, problems: &mut Vec<String>) {
        let mut seen = std::collections::BTreeSet::new();
        for a in &self.attributes {
            let p = at.join_attr(&a.name);
            if !seen.insert(a.name.as_str()) {
                problems.push(format!("{p}: duplicate name"));
            }
            a.check(&p, problems);
        }
        for b in &self.blocks {
            let p = at.join_attr(&b.type_name);
            if !valid_name(&b.type_name) {
                problems.push(format!(
                    "{p}: invalid name (use lower-case letters, digits, _)"
                ));
            }
            if !seen.insert(b.type_name.as_str()) {
                problems.push(format!("{p}: duplicate name"));
            }
            if b.min_items < 0 || b.max_items < 0 || (b.max_items > 0 && b.min_items > b.max_items)
            {
                problems.push(format!("{p}: invalid min_items/max_items"));
            }
            b.block.check(&p, problems);
        }
    }

    /// Marks what the provider computes as unknown in `planned` (an object of
    /// this block): computed-only top-level attributes always, optional and
    /// computed ones where `config` leaves them null. For plans whose inputs
    /// are not all known yet. Nested blocks and non-object values are left
    /// alone. Returns how many attributes were marked.
    pub fn mark_computed_unknown(&self, planned: &mut Value, config: &Value) -> usize {
        let mut n = 0;
        for a in self.attributes.iter().filter(|a| a.computed) {
            let configured = a.optional && config.attr(&a.name).is_some_and(|v| !v.is_null());
            if !configured && planned.set_attr(a.name.clone(), Value::unknown()) {
                n += 1;
            }
        }
        n
    }

    /// Whether any attribute at any depth is write-only.
    pub fn has_write_only(&self) -> bool {
        self.attributes.iter().any(|a| {
            a.write_only
                || matches!(&a.kind, AttributeKind::Nested(n) if n.attributes.iter().any(|x| x.write_only || matches!(x.kind, AttributeKind::Nested(_))))
        }) || self.blocks.iter().any(|b| b.block.has_write_only())
    }

    pub(crate) fn to_proto(&self) -> pb::schema::Block {
        pb::schema::Block {
            version: 0,
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            block_types: self.blocks.iter().map(NestedBlock::to_proto).collect(),
            description: self.description.clone(),
            description_kind: self.description_kind.to_proto(),
            deprecated: self.deprecated,
        }
    }
}

/// What an attribute holds: a plain type or nested attributes.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeKind {
    /// A value of a cty type.
    Type(Type),
    /// Nested attributes (protocol 6 "nested_type").
    Nested(NestedAttributes),
}

/// Nesting of [`NestedAttributes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectNesting {
    /// One object.
    Single,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects.
    Map,
}

/// Attributes nested inside an attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedAttributes {
    /// How the objects are nested.
    pub nesting: ObjectNesting,
    /// The attributes of each object.
    pub attributes: Vec<Attribute>,
}

impl NestedAttributes {
    /// The cty type of the nested value.
    pub fn value_type(&self) -> Type {
        let obj = Type::Object(
            self.attributes
                .iter()
                .map(|a| (a.name.clone(), a.value_type()))
                .collect(),
        );
        match self.nesting {
            ObjectNesting::Single => obj,
            ObjectNesting::List => Type::list(obj),
            ObjectNesting::Set => Type::set(obj),
            ObjectNesting::Map => Type::map(obj),
        }
    }
}

/// An attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// Name.
    pub name: String,
    /// Type or nested attributes.
    pub kind: AttributeKind,
    /// Description.
    pub description: String,
    /// Format of the description.
    pub description_kind: DescriptionKind,
    /// Must be set in configuration.
    pub required: bool,
    /// May be set in configuration.
    pub optional: bool,
    /// Set by the provider (alone, or together with `optional`).
    pub computed: bool,
    /// Hidden in plan output.
    pub sensitive: bool,
    /// Never stored in state or plan (protocol 6.8+).
    pub write_only: bool,
    /// Deprecated.
    pub deprecated: bool,
}

impl Attribute {
    fn new(name: impl Into<String>, kind: AttributeKind) -> Self {
        Self {
            name: name.into(),
            kind,
            description: String::new(),
            description_kind: DescriptionKind::Markdown,
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            write_only: false,
            deprecated: false,
        }
    }

    /// A required attribute of type `ty`.
    pub fn required(name: impl Into<String>, ty: Type) -> Self {
        Self {
            required: true,
            ..Self::new(name, AttributeKind::Type(ty))
        }
    }

    /// An optional attribute of type `ty`.
    pub fn optional(name: impl Into<String>, ty: Type) -> Self {
        Self {
            optional: true,
            ..Self::new(name, AttributeKind::Type(ty))
        }
    }

    /// A computed-only attribute of type `ty`.
    pub fn computed(name: impl Into<String>, ty: Type) -> Self {
        Self {
            computed: true,
            ..Self::new(name, AttributeKind::Type(ty))
        }
    }

    /// An optional attribute that the provider fills when unset.
    pub fn optional_computed(name: impl Into<String>, ty: Type) -> Self {
        Self {
            optional: true,
            computed: true,
            ..Self::new(name, AttributeKind::Type(ty))
        }
    }

    /// An attribute with nested attributes; set required/optional/computed with the flag setters.
    pub fn nested(
        name: impl Into<String>,
        nesting: ObjectNesting,
        attributes: Vec<Attribute>,
    ) -> Self {
        Self::new(
            name,
            AttributeKind::Nested(NestedAttributes {
                nesting,
                attributes,
            }),
        )
    }

    /// Sets the description (markdown).
    #[must_use]
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }

    /// Marks the attribute sensitive.
    #[must_use]
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Marks the attribute write-only.
    #[must_use]
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }

    /// Marks the attribute deprecated.
    #[must_use]
    pub fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    /// Sets the required flag (clears optional).
    #[must_use]
    pub fn with_required(mut self) -> Self {
        self.required = true;
        self.optional = false;
        self
    }

    /// Sets the optional flag.
    #[must_use]
    pub fn with_optional(mut self) -> Self {
        self.optional = true;
        self.required = false;
        self
    }

    /// Sets the computed flag.
    #[must_use]
    pub fn with_computed(mut self) -> Self {
        self.computed = true;
        self
    }

    fn check(&self, p: &crate::path::AttributePath, problems: &mut Vec<String>) {
        if !valid_name(&self.name) {
            problems.push(format!(
                "{p}: invalid name (use lower-case letters, digits, _)"
            ));
        }
        if self.required && (self.optional || self.computed) {
            problems.push(format!(
                "{p}: required cannot be combined with optional or computed"
            ));
        }
        if !self.required && !self.optional && !self.computed {
            problems.push(format!("{p}: must be required, optional or computed"));
        }
        if self.write_only && self.computed {
            problems.push(format!("{p}: write-only attributes cannot be computed"));
        }
        if let AttributeKind::Nested(n) = &self.kind {
            let inner = Block {
                attributes: n.attributes.clone(),
                ..Block::default()
            };
            inner.check(p, problems);
        }
    }

    /// The cty type of this attribute's values.
    pub fn value_type(&self) -> Type {
        match &self.kind {
            AttributeKind::Type(t) => t.clone(),
            AttributeKind::Nested(n) => n.value_type(),
        }
    }

    pub(crate) fn to_proto(&self) -> pb::schema::Attribute {
        let (ty, nested) = match &self.kind {
            AttributeKind::Type(t) => (t.to_json_bytes(), None),
            AttributeKind::Nested(n) => (
                Vec::new(),
                Some(pb::schema::Object {
                    attributes: n.attributes.iter().map(Attribute::to_proto).collect(),
                    nesting: match n.nesting {
                        ObjectNesting::Single => pb::schema::object::NestingMode::Single,
                        ObjectNesting::List => pb::schema::object::NestingMode::List,
                        ObjectNesting::Set => pb::schema::object::NestingMode::Set,
                        ObjectNesting::Map => pb::schema::object::NestingMode::Map,
                    } as i32,
                    ..Default::default()
                }),
            ),
        };
        pb::schema::Attribute {
            name: self.name.clone(),
            r#type: ty,
            nested_type: nested,
            description: self.description.clone(),
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
            description_kind: self.description_kind.to_proto(),
            deprecated: self.deprecated,
            write_only: self.write_only,
        }
    }
}

fn valid_name(n: &str) -> bool {
    let mut chars = n.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Nesting of a [`NestedBlock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockNesting {
    /// At most one block; null when absent.
    Single,
    /// Exactly one block; an object of nulls when absent.
    Group,
    /// A list of blocks.
    List,
    /// A set of blocks.
    Set,
    /// Labelled blocks.
    Map,
}

/// A block nested in a block.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedBlock {
    /// Block type name as written in configuration.
    pub type_name: String,
    /// The block's content.
    pub block: Block,
    /// How the block repeats.
    pub nesting: BlockNesting,
    /// Least number of blocks (list/set).
    pub min_items: i64,
    /// Greatest number of blocks (list/set); 0 = no limit.
    pub max_items: i64,
}

impl NestedBlock {
    /// A nested block without item limits.
    pub fn new(type_name: impl Into<String>, nesting: BlockNesting, block: Block) -> Self {
        Self {
            type_name: type_name.into(),
            block,
            nesting,
            min_items: 0,
            max_items: 0,
        }
    }

    fn to_proto(&self) -> pb::schema::NestedBlock {
        use pb::schema::nested_block::NestingMode as N;
        pb::schema::NestedBlock {
            type_name: self.type_name.clone(),
            block: Some(self.block.to_proto()),
            nesting: match self.nesting {
                BlockNesting::Single => N::Single,
                BlockNesting::Group => N::Group,
                BlockNesting::List => N::List,
                BlockNesting::Set => N::Set,
                BlockNesting::Map => N::Map,
            } as i32,
            min_items: self.min_items,
            max_items: self.max_items,
        }
    }
}

/// A parameter of a provider function.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Display name.
    pub name: String,
    /// Type constraint.
    pub ty: Type,
    /// Whether null may be passed.
    pub allow_null: bool,
    /// Whether unknown values are passed through (otherwise Terraform skips the call).
    pub allow_unknown: bool,
    /// Description.
    pub description: String,
    /// Format of the description.
    pub description_kind: DescriptionKind,
}

impl Parameter {
    /// A parameter that accepts neither null nor unknown values.
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        Self {
            name: name.into(),
            ty,
            allow_null: false,
            allow_unknown: false,
            description: String::new(),
            description_kind: DescriptionKind::Markdown,
        }
    }

    /// Sets the description (markdown).
    #[must_use]
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }

    /// Lets null be passed (otherwise Terraform rejects a null argument).
    #[must_use]
    pub fn with_allow_null(mut self) -> Self {
        self.allow_null = true;
        self
    }

    /// Lets unknown values reach the function (otherwise Terraform returns an
    /// unknown result without calling it).
    #[must_use]
    pub fn with_allow_unknown(mut self) -> Self {
        self.allow_unknown = true;
        self
    }

    fn to_proto(&self) -> pb::function::Parameter {
        pb::function::Parameter {
            name: self.name.clone(),
            r#type: self.ty.to_json_bytes(),
            allow_null_value: self.allow_null,
            allow_unknown_values: self.allow_unknown,
            description: self.description.clone(),
            description_kind: self.description_kind.to_proto(),
        }
    }
}

/// The signature and documentation of a provider function.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionSignature {
    /// Positional parameters.
    pub parameters: Vec<Parameter>,
    /// Optional trailing variadic parameter (arguments arrive one by one after the positional ones).
    pub variadic: Option<Parameter>,
    /// Return type.
    pub return_type: Type,
    /// One-line summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Format of the description.
    pub description_kind: DescriptionKind,
    /// Deprecation message; empty if not deprecated.
    pub deprecation_message: String,
}

impl FunctionSignature {
    /// A signature with the given parameters and return type.
    pub fn new(parameters: Vec<Parameter>, return_type: Type) -> Self {
        Self {
            parameters,
            variadic: None,
            return_type,
            summary: String::new(),
            description: String::new(),
            description_kind: DescriptionKind::Markdown,
            deprecation_message: String::new(),
        }
    }

    /// Adds a trailing variadic parameter.
    #[must_use]
    pub fn with_variadic(mut self, p: Parameter) -> Self {
        self.variadic = Some(p);
        self
    }

    /// Marks the function deprecated with a message.
    #[must_use]
    pub fn with_deprecation(mut self, message: impl Into<String>) -> Self {
        self.deprecation_message = message.into();
        self
    }

    /// Sets the summary.
    #[must_use]
    pub fn summary(mut self, s: impl Into<String>) -> Self {
        self.summary = s.into();
        self
    }

    /// Sets the description (markdown).
    #[must_use]
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }

    pub(crate) fn to_proto(&self) -> pb::Function {
        pb::Function {
            parameters: self.parameters.iter().map(Parameter::to_proto).collect(),
            variadic_parameter: self.variadic.as_ref().map(Parameter::to_proto),
            r#return: Some(pb::function::Return {
                r#type: self.return_type.to_json_bytes(),
            }),
            summary: self.summary.clone(),
            description: self.description.clone(),
            description_kind: self.description_kind.to_proto(),
            deprecation_message: self.deprecation_message.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    #[test]
    fn check_finds_mistakes() {
        let good = Schema::new(
            Block::new()
                .attribute(Attribute::required("a", Type::String))
                .attribute(Attribute::optional_computed("b_2", Type::String)),
        );
        assert!(good.check().is_ok());
        let mut both = Attribute::required("both", Type::String);
        both.computed = true;
        let mut neither = Attribute::required("neither", Type::String);
        neither.required = false;
        let bad = Schema::new(
            Block::new()
                .attribute(Attribute::required("Bad-Name", Type::String))
                .attribute(Attribute::required("dup", Type::String))
                .attribute(Attribute::optional("dup", Type::String))
                .attribute(both)
                .attribute(neither)
                .attribute(Attribute::computed("wo", Type::String).write_only())
                .attribute(
                    Attribute::nested(
                        "n",
                        ObjectNesting::List,
                        vec![Attribute::computed("x", Type::String).with_required()],
                    )
                    .with_optional(),
                )
                .block(NestedBlock::new("dup", BlockNesting::List, Block::new())),
        );
        let problems = bad.check().unwrap_err();
        let text = problems.join("\n");
        assert!(text.contains(".Bad-Name: invalid name"), "{text}");
        assert!(text.contains(".dup: duplicate name"), "{text}");
        assert!(
            text.contains(".both: required cannot be combined"),
            "{text}"
        );
        assert!(
            text.contains(".neither: must be required, optional or computed"),
            "{text}"
        );
        assert!(
            text.contains(".wo: write-only attributes cannot be computed"),
            "{text}"
        );
        assert!(text.contains(".n.x: required cannot be combined"), "{text}");
        assert_eq!(problems.len(), 7, "{text}");
    }

    #[test]
    fn write_only_nulled_at_any_depth() {
        let b = Block::new()
            .attribute(Attribute::optional("token", Type::String).write_only())
            .attribute(Attribute::optional("keep", Type::String))
            .attribute(
                Attribute::nested(
                    "items",
                    ObjectNesting::List,
                    vec![
                        Attribute::optional("secret", Type::String).write_only(),
                        Attribute::optional("plain", Type::String),
                    ],
                )
                .with_optional(),
            )
            .block(NestedBlock::new(
                "auth",
                BlockNesting::Single,
                Block::new().attribute(Attribute::optional("password", Type::String).write_only()),
            ));
        assert!(b.has_write_only());
        let mut v = Value::object([
            ("token", Value::from("t")),
            ("keep", Value::from("k")),
            (
                "items",
                Value::List(vec![Value::object([
                    ("secret", Value::from("s")),
                    ("plain", Value::from("p")),
                ])]),
            ),
            ("auth", Value::object([("password", Value::from("pw"))])),
        ]);
        b.null_write_only(&mut v);
        assert_eq!(v.attr("token"), Some(&Value::Null));
        assert_eq!(v.attr("keep"), Some(&Value::from("k")));
        let item = &v.attr("items").unwrap().as_elements().unwrap()[0];
        assert_eq!(item.attr("secret"), Some(&Value::Null));
        assert_eq!(item.attr("plain"), Some(&Value::from("p")));
        assert_eq!(v.attr("auth").unwrap().attr("password"), Some(&Value::Null));
        assert!(
            !Block::new()
                .attribute(Attribute::optional("x", Type::String))
                .has_write_only()
        );
    }

    #[test]
    fn implied_type_and_proto() {
        let s = Schema::new(
            Block::new()
                .attribute(Attribute::required("name", Type::String).description("n"))
                .attribute(Attribute::computed("out", Type::String).sensitive())
                .attribute(
                    Attribute::nested(
                        "nodes",
                        ObjectNesting::List,
                        vec![Attribute::required("address", Type::String)],
                    )
                    .with_optional(),
                )
                .block(NestedBlock::new(
                    "chart",
                    BlockNesting::Single,
                    Block::new().attribute(Attribute::optional("repo", Type::String)),
                )),
        )
        .with_version(2);
        assert_eq!(
            s.value_type(),
            Type::object([
                ("name", Type::String),
                ("out", Type::String),
                (
                    "nodes",
                    Type::list(Type::object([("address", Type::String)]))
                ),
                ("chart", Type::object([("repo", Type::String)])),
            ])
        );
        let p = s.to_proto();
        assert_eq!(p.version, 2);
        let b = p.block.unwrap();
        assert_eq!(b.attributes.len(), 3);
        assert_eq!(b.attributes[0].r#type, b"\"string\"");
        assert!(b.attributes[1].sensitive);
        assert!(b.attributes[2].nested_type.is_some());
        assert!(b.attributes[2].r#type.is_empty());
        assert_eq!(b.block_types[0].type_name, "chart");
    }

    #[test]
    fn function_signature_builders_and_proto() {
        let sig = FunctionSignature::new(
            vec![Parameter::new("doc", Type::String).with_allow_null()],
            Type::list(Type::String),
        )
        .with_variadic(Parameter::new("more", Type::String).with_allow_unknown())
        .with_deprecation("use other")
        .summary("s")
        .description("d");
        let p = sig.to_proto();
        assert!(p.parameters[0].allow_null_value);
        assert!(!p.parameters[0].allow_unknown_values);
        let v = p.variadic_parameter.unwrap();
        assert_eq!(v.name, "more");
        assert!(v.allow_unknown_values && !v.allow_null_value);
        assert_eq!(p.deprecation_message, "use other");
        assert_eq!(p.r#return.unwrap().r#type, br#"["list","string"]"#);
        assert_eq!((p.summary.as_str(), p.description.as_str()), ("s", "d"));
    }

    #[test]
    fn mark_computed_unknown_respects_configured_values() {
        let b = Block::new()
            .attribute(Attribute::required("name", Type::String))
            .attribute(Attribute::computed("digest", Type::String))
            .attribute(Attribute::optional_computed("port", Type::Number))
            .attribute(Attribute::optional_computed("mode", Type::String));
        let config = Value::object([
            ("name", Value::unknown()),
            ("digest", Value::Null),
            ("port", Value::int(7445)),
            ("mode", Value::Null),
        ]);
        let mut planned = Value::object([
            ("name", Value::unknown()),
            ("digest", Value::from("old")),
            ("port", Value::int(7445)),
            ("mode", Value::from("old")),
        ]);
        assert_eq!(b.mark_computed_unknown(&mut planned, &config), 2);
        assert!(planned.attr("digest").unwrap().is_unknown());
        assert!(planned.attr("mode").unwrap().is_unknown());
        assert_eq!(planned.attr("port"), Some(&Value::int(7445)));
        let mut null = Value::Null;
        assert_eq!(b.mark_computed_unknown(&mut null, &config), 0);
        assert!(null.is_null());
    }
}
