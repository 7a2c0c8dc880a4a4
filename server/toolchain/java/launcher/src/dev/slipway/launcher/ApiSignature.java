package dev.slipway.launcher;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * What other source files can see of a class: its non-private members' signatures and the values
 * of its compile-time constants (which javac copies into the classes that use them). When a
 * recompiled file's signature is unchanged, files compiled against the old version are still
 * correct, so an edit inside a method body recompiles one file only.
 */
final class ApiSignature {
    private ApiSignature() {}

    /** The signature of a top-level type and every non-private type nested in it. */
    static String of(TypeElement type, Elements elements) {
        StringBuilder text = new StringBuilder();
        append(text, type, elements);
        return text.toString();
    }

    private static void append(StringBuilder text, TypeElement type, Elements elements) {
        text.append(type.getKind()).append(' ').append(modifiers(type)).append(elements.getBinaryName(type));
        text.append(typeParameters(type.getTypeParameters()));
        text.append(" extends ").append(type.getSuperclass());
        text.append(" implements ").append(type.getInterfaces());
        text.append(" permits ").append(type.getPermittedSubclasses());
        if (type.getKind() == ElementKind.ANNOTATION_TYPE) {
            // @Retention and @Target decide where dependents may use the annotation.
            text.append(' ').append(type.getAnnotationMirrors());
        }
        text.append(" {\n");
        for (Element member : type.getEnclosedElements()) {
            if (member.getModifiers().contains(Modifier.PRIVATE)) {
                continue;
            }
            if (member instanceof TypeElement nested) {
                append(text, nested, elements);
            } else if (member instanceof ExecutableElement method) {
                text.append(modifiers(method)).append(typeParameters(method.getTypeParameters()));
                text.append(method.getReturnType()).append(' ').append(method.getSimpleName());
                text.append(method.getParameters().stream().map(p -> p.asType().toString()).toList());
                text.append(method.isVarArgs() ? "..." : "").append(" throws ").append(method.getThrownTypes());
                if (method.getDefaultValue() != null) {
                    text.append(" default ").append(method.getDefaultValue());
                }
            } else if (member instanceof VariableElement field) {
                text.append(member.getKind()).append(' ').append(modifiers(field)).append(field.asType());
                text.append(' ').append(field.getSimpleName());
                Object constant = field.getConstantValue();
                if (constant != null) {
                    text.append(" = ").append(elements.getConstantExpression(constant));
                }
            } else {
                text.append(member.getKind()).append(' ').append(member.getSimpleName()).append(' ')
                        .append(member.asType());
            }
            text.append(";\n");
        }
        text.append("}\n");
    }

    private static String modifiers(Element element) {
        Set<Modifier> modifiers = element.getModifiers();
        return modifiers.isEmpty() ? "" : modifiers.stream().map(Modifier::toString).sorted()
                .collect(Collectors.joining(" ", "", " "));
    }

    private static String typeParameters(List<? extends TypeParameterElement> parameters) {
        if (parameters.isEmpty()) {
            return "";
        }
        return parameters.stream().map(p -> p.getSimpleName() + " extends " + p.getBounds())
                .collect(Collectors.joining(", ", "<", ">"));
    }
}
