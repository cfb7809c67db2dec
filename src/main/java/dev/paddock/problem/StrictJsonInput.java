package dev.paddock.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

import java.io.IOException;

/**
 * Request bodies are read strictly: a key given twice, anything after the JSON document, a NUL
 * character in a string (PostgreSQL stores none in text or jsonb), a fraction or a string where an
 * integer belongs, a string or a number where true or false does, a number or a boolean where a
 * string does, is a 400 naming the field rather
 * than a value silently chosen, rounded, ignored or refused by the database as a 500.
 */
@Singleton
public class StrictJsonInput implements ObjectMapperCustomizer {

    /** A string holding U+0000: refused, with the path of the field that held it. */
    public static class NulCharacterException extends JsonMappingException {
        NulCharacterException(JsonParser parser) {
            super(parser, "a string holds the NUL character");
        }
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // an integer field takes a JSON integer: 2.5 is not read as 2, nor "5" as 5
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        // a text field takes a JSON string: 12345, 1.5 or true is not read as "12345", "1.5" or "true"
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.registerModule(new SimpleModule("paddock-strict-strings")
                .addDeserializer(String.class, new NulRefusingStringDeserializer())
                .addKeyDeserializer(String.class, new NulRefusingKeyDeserializer()));
    }

    /** An object's key (of a map the body binds: a job's payload, a runner's capabilities) holding U+0000. */
    static final class NulRefusingKeyDeserializer extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext context) throws IOException {
            if (key != null && key.indexOf(0) >= 0) {
                throw new NulCharacterException(context.getParser());
            }
            return key;
        }
    }

    static final class NulRefusingStringDeserializer extends StringDeserializer {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = super.deserialize(parser, context);
            if (value != null && value.indexOf(0) >= 0) {
                throw new NulCharacterException(parser);
            }
            return value;
        }
    }
}
