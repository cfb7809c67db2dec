package dev.paddock.secret;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.common.JsonTexts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of a job's secrets masked as {@code ***} in what its runner sends, before it is
 * stored: its log lines, and its final report (every text of it, which events and webhooks carry).
 */
@ApplicationScoped
public class SecretMasking {

    private static final String MASK = "***";

    @Inject
    SecretCipher cipher;

    @Inject
    ObjectMapper json;

    /** The mask of a job's secrets as stored (sealed by {@link SecretCipher}); null or none masks nothing. */
    public Mask of(byte[] sealedSecrets) {
        if (sealedSecrets == null) {
            return new Mask(List.of(), json);
        }
        Map<String, String> secrets = cipher.decrypt(sealedSecrets);
        // longest first, so a secret containing another is masked whole
        return new Mask(secrets.values().stream().filter(value -> value != null && !value.isEmpty())
                .sorted(Comparator.comparingInt(String::length).reversed()).toList(), json);
    }

    /** The values to mask, longest first. */
    public static final class Mask {

        private final List<String> values;
        private final ObjectMapper json;

        private Mask(List<String> values, ObjectMapper json) {
            this.values = values;
            this.json = json;
        }

        public String text(String text) {
            if (text == null) {
                return null;
            }
            String masked = text;
            for (String secret : values) {
                masked = masked.replace(secret, MASK);
            }
            return masked;
        }

        /** Every text and key of the tree masked; numbers and booleans that hold a secret's value become texts. */
        public JsonNode tree(JsonNode node) {
            return values.isEmpty() || node == null ? node : JsonTexts.map(node, this::text);
        }

        /** An object read from JSON, masked the same way. */
        public Map<String, Object> map(Map<String, Object> value) {
            return values.isEmpty() || value == null ? value
                    : json.convertValue(tree(json.valueToTree(value)), new TypeReference<LinkedHashMap<String, Object>>() {
                    });
        }

        /** An array read from JSON, masked the same way. */
        public <E> List<E> list(List<E> value) {
            return values.isEmpty() || value == null ? value
                    : json.convertValue(tree(json.valueToTree(value)), new TypeReference<ArrayList<E>>() {
                    });
        }
    }
}
