package dev.paddock.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.function.UnaryOperator;

/** Changes every text of a JSON tree, for what must not be stored as it came (a NUL, a secret's value). */
public final class JsonTexts {

    private JsonTexts() {
    }

    /**
     * The tree with {@code change} applied to every text and key; a number or boolean whose text it
     * changes becomes that text; a text it leaves alone keeps its node.
     */
    public static JsonNode map(JsonNode node, UnaryOperator<String> change) {
        if (node instanceof ObjectNode object) {
            ObjectNode changed = object.objectNode();
            object.properties().forEach(entry -> changed.set(change.apply(entry.getKey()), map(entry.getValue(), change)));
            return changed;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode changed = array.arrayNode();
            array.forEach(element -> changed.add(map(element, change)));
            return changed;
        }
        if (node.isValueNode() && !node.isNull()) {
            String text = node.asText();
            String changed = change.apply(text);
            return changed.equals(text) ? node : TextNode.valueOf(changed);
        }
        return node;
    }
}
