#include "render/transformers/images.h"

#include <regex>

#include "core/error.h"
#include "render/field_spec.h"

namespace sluice::render::transformers {

// kustomize v5.5's images field specs (builtinpluginconsts/images.go). They say create: true,
// but a container without an image does not get one: set_images never creates.
const std::vector<FieldSpec>& image_field_specs() {
  static const std::vector<FieldSpec> specs = {
      {"", "", "", "spec/containers[]/image", true},
      {"", "", "", "spec/initContainers[]/image", true},
      {"", "", "", "spec/template/spec/containers[]/image", true},
      {"", "", "", "spec/template/spec/initContainers[]/image", true},
  };
  return specs;
}

namespace {

class Updater {
 public:
  explicit Updater(const ImageOverride& image) : image_(image) {
    try {
      pattern_ =
          std::regex("^(?:" + image.name + ")(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$");
    } catch (const std::regex_error&) {
      throw invalid_argument("images: name '" + image.name + "' is not a valid pattern");
    }
  }

  void update(Json& node) const {
    if (node.is_object() || node.is_array()) {
      throw invalid_argument("wrong node kind: expected ScalarNode but got " +
                             std::string(node.is_object() ? "MappingNode" : "SequenceNode") +
                             " for an image");
    }
    // Only strings can look like an image reference kustomize would rewrite.
    if (!node.is_string()) return;
    const std::string& value = node.get_ref<const std::string&>();
    if (!std::regex_match(value, pattern_)) return;
    ImageParts parts = split_image(value);
    if (!image_.new_name.empty()) parts.name = image_.new_name;
    if (!image_.new_tag.empty() && !image_.digest.empty()) {
      parts.tag = image_.new_tag;
      parts.digest = image_.digest;
    } else if (!image_.new_tag.empty()) {
      parts.tag = image_.new_tag;
      parts.digest.clear();
    } else if (!image_.digest.empty()) {
      parts.tag.clear();
      parts.digest = image_.digest;
    } else if (!image_.tag_suffix.empty()) {
      parts.tag += image_.tag_suffix;
      parts.digest.clear();
    }
    std::string result = std::move(parts.name);
    if (!parts.tag.empty()) result += ":" + parts.tag;
    if (!parts.digest.empty()) result += "@" + parts.digest;
    node = std::move(result);
  }

  // kustomize's legacy filter: children first, then the containers lists of this map.
  void walk(Json& node) const {
    if (node.is_array()) {
      for (Json& element : node) walk(element);
      return;
    }
    if (!node.is_object()) return;
    for (auto& [key, value] : node.items()) {
      walk(value);
      if ((key == "containers" || key == "initContainers") && value.is_array()) {
        for (Json& container : value) {
          if (container.is_null()) continue;
          if (!container.is_object()) {
            throw invalid_argument("wrong node kind: expected MappingNode but got ScalarNode in '" +
                                   key + "'");
          }
          const auto image = container.find("image");
          if (image != container.end()) update(*image);
        }
      }
    }
  }

 private:
  const ImageOverride& image_;
  std::regex pattern_;
};

}  // namespace

ImageParts split_image(std::string_view image) {
  std::size_t slash = image.find('/');
  if (slash == std::string_view::npos) slash = 0;
  const std::string_view search = image.substr(slash);
  std::size_t at = search.find('@');
  std::size_t colon = search.find(':');
  const auto npos = std::string_view::npos;
  if (at == npos && colon == npos) return {std::string(image), "", ""};
  if (at != npos && (colon == npos || at < colon)) {
    at += slash;
    return {std::string(image.substr(0, at)), "", std::string(image.substr(at + 1))};
  }
  colon += slash;
  if (at != npos) {
    at += slash;
    return {std::string(image.substr(0, colon)),
            std::string(image.substr(colon + 1, at - colon - 1)),
            std::string(image.substr(at + 1))};
  }
  return {std::string(image.substr(0, colon)), std::string(image.substr(colon + 1)), ""};
}

void set_images(std::vector<Object>& objects, const std::vector<ImageOverride>& images,
                const std::vector<FieldSpec>& specs) {
  for (const ImageOverride& image : images) {
    const Updater updater(image);
    for (Object& object : objects) {
      if (object.kind() == "CustomResourceDefinition") continue;
      try {
        updater.walk(object.json());
        for (FieldSpec spec : specs) {
          // kustomize's image filter never creates a field, whatever the spec says.
          spec.create = false;
          if (!selects(spec, object.gvk())) continue;
          for_each_field(object.json(), spec, [&](Json& node) { updater.update(node); });
        }
      } catch (const Error& e) {
        throw e.with_context(object.kind() + " " + object.name());
      }
    }
  }
}

}  // namespace sluice::render::transformers
