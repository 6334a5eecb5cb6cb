//! The schema model: what a provider, resource or data source accepts and returns.

use std::collections::BTreeMap;

use tfplugin_proto::tfplugin6 as pb;

use crate::value::Type;

/// Whether an attribute is set by the user, by the provider, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Required,
    Optional,
    /// Set by the provider only.
    Computed,
    /// The user may set it; otherwise the provider does.
    OptionalComputed,
}

/// How a nested attribute or block repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
    Map,
}

/// The value shape of an attribute: a plain type or nested attributes.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrType {
    Plain(Type),
    Nested(Nesting, Vec<Attribute>),
}

/// One attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub ty: AttrType,
    pub mode: Mode,
    /// Markdown.
    pub description: String,
    pub sensitive: bool,
    pub write_only: bool,
    /// Deprecation message; empty when not deprecated.
    pub deprecated: String,
}

impl Attribute {
    pub fn new(name: &str, ty: Type, mode: Mode, description: &str) -> Self {
        Attribute {
            name: name.to_string(),
            ty: AttrType::Plain(ty),
            mode,
            description: description.to_string(),
            sensitive: false,
            write_only: false,
            deprecated: String::new(),
        }
    }
    pub fn nested(
        name: &str,
        nesting: Nesting,
        attrs: Vec<Attribute>,
        mode: Mode,
        description: &str,
    ) -> Self {
        Attribute {
            name: name.to_string(),
            ty: AttrType::Nested(nesting, attrs),
            mode,
            description: description.to_string(),
            sensitive: false,
            write_only: false,
            deprecated: String::new(),
        }
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }
    pub fn deprecated(mut self, message: &str) -> Self {
        self.deprecated = message.to_string();
        self
    }

    /// The cty type of the attribute's value.
    pub fn value_type(&self) -> Type {
        match &self.ty {
            AttrType::Plain(t) => t.clone(),
            AttrType::Nested(n, attrs) => {
                let obj = Type::Object(
                    attrs
                        .iter()
                        .map(|a| (a.name.clone(), a.value_type()))
                        .collect(),
                );
                match n {
                    Nesting::Single => obj,
                    Nesting::List => Type::list(obj),
                    Nesting::Set => Type::set(obj),
                    Nesting::Map => Type::map(obj),
                }
            }
        }
    }

    fn to_proto(&self) -> pb::schema::Attribute {
        let (ty, nested) = match &self.ty {
            AttrType::Plain(t) => (t.to_json_bytes(), None),
            AttrType::Nested(n, attrs) => (
                Vec::new(),
                Some(pb::schema::Object {
                    attributes: attrs.iter().map(Attribute::to_proto).collect(),
                    nesting: match n {
                        Nesting::Single => pb::schema::object::NestingMode::Single,
                        Nesting::List => pb::schema::object::NestingMode::List,
                        Nesting::Set => pb::schema::object::NestingMode::Set,
                        Nesting::Map => pb::schema::object::NestingMode::Map,
                    } as i32,
                    ..Default::default()
                }),
            ),
        };
        let description = if self.deprecated.is_empty() {
            self.description.clone()
        } else {
            format!(
                "{}\n\n**Deprecated**: {}",
                self.description, self.deprecated
            )
        };
        pb::schema::Attribute {
            name: self.name.clone(),
            r#type: ty,
            nested_type: nested,
            description,
            required: self.mode == Mode::Required,
            optional: matches!(self.mode, Mode::Optional | Mode::OptionalComputed),
            computed: matches!(self.mode, Mode::Computed | Mode::OptionalComputed),
            sensitive: self.sensitive,
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: !self.deprecated.is_empty(),
            write_only: self.write_only,
        }
    }
}

/// A nested block (`name { ... }` in HCL).
#[derive(Debug, Clone, PartialEq)]
pub struct NestedBlock {
    pub name: String,
    pub nesting: Nesting,
    pub block: Block,
    pub min_items: i64,
    pub max_items: i64,
}

/// The attributes and nested blocks of a schema.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    /// Markdown.
    pub description: String,
    pub deprecated: bool,
}

impl Block {
    /// The object type of a value conforming to this block.
    pub fn value_type(&self) -> Type {
        let mut m: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.value_type()))
            .collect();
        for b in &self.blocks {
            let t = b.block.value_type();
            m.insert(
                b.name.clone(),
                match b.nesting {
                    Nesting::Single => t,
                    Nesting::List => Type::list(t),
                    Nesting::Set => Type::set(t),
                    Nesting::Map => Type::map(t),
                },
            );
        }
        Type::Object(m)
    }

    /// The attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    fn to_proto(&self, version: i64) -> pb::schema::Block {
        pb::schema::Block {
            version,
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            block_types: self
                .blocks
                .iter()
                .map(|b| pb::schema::NestedBlock {
                    type_name: b.name.clone(),
                    block: Some(b.block.to_proto(version)),
                    nesting: match b.nesting {
                        Nesting::Single => pb::schema::nested_block::NestingMode::Single,
                        Nesting::List => pb::schema::nested_block::NestingMode::List,
                        Nesting::Set => pb::schema::nested_block::NestingMode::Set,
                        Nesting::Map => pb::schema::nested_block::NestingMode::Map,
                    } as i32,
                    min_items: b.min_items,
                    max_items: b.max_items,
                })
                .collect(),
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: self.deprecated,
        }
    }
}

/// A versioned schema.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Incremented whenever the stored state shape changes; older states go
    /// through the resource's state upgrade.
    pub version: i64,
    pub block: Block,
}

impl Schema {
    pub fn new(version: i64, description: &str, attributes: Vec<Attribute>) -> Self {
        Schema {
            version,
            block: Block {
                attributes,
                blocks: Vec::new(),
                description: description.to_string(),
                deprecated: false,
            },
        }
    }
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }
    pub(crate) fn to_proto(&self) -> pb::Schema {
        pb::Schema {
            version: self.version,
            block: Some(self.block.to_proto(self.version)),
        }
    }
}

/// A parameter of a provider function.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub ty: Type,
    pub description: String,
    pub allow_null: bool,
    pub allow_unknown: bool,
}

/// The signature and documentation of a provider function.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionSignature {
    pub parameters: Vec<Parameter>,
    pub variadic: Option<Parameter>,
    pub returns: Type,
    pub summary: String,
    /// Markdown.
    pub description: String,
    pub deprecation: String,
}

impl FunctionSignature {
    pub(crate) fn to_proto(&self) -> pb::Function {
        let param = |p: &Parameter| pb::function::Parameter {
            name: p.name.clone(),
            r#type: p.ty.to_json_bytes(),
            allow_null_value: p.allow_null,
            allow_unknown_values: p.allow_unknown,
            description: p.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
        };
        pb::Function {
            parameters: self.parameters.iter().map(param).collect(),
            variadic_parameter: self.variadic.as_ref().map(param),
            r#return: Some(pb::function::Return {
                r#type: self.returns.to_json_bytes(),
            }),
            summary: self.summary.clone(),
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecation_message: self.deprecation.clone(),
        }
    }
}
