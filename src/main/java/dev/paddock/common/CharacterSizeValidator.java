package dev.paddock.common;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.constraints.Size;

/**
 * {@code @Size} on a string, counted in characters ({@link TextLength}): the document publishes each
 * {@code @Size} as {@code minLength}/{@code maxLength}, and a client generated from it must not be
 * refused for a value the document allows. Chosen over Hibernate Validator's own validator for
 * {@code CharSequence} because {@code String} is the more specific type ({@link ValidationSettings}).
 */
public class CharacterSizeValidator implements ConstraintValidator<Size, String> {

    private int min;
    private int max;

    @Override
    public void initialize(Size size) {
        min = size.min();
        max = size.max();
    }

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        if (min == 0 && value.length() <= max) { // never more characters than UTF-16 units
            return true;
        }
        int characters = TextLength.of(value);
        return characters >= min && characters <= max;
    }
}
