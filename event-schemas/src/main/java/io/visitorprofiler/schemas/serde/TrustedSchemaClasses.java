package io.visitorprofiler.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate classes it has not been told to trust. Our generated classes are
 * trusted here, in addition to whatever the process already trusts; nothing from a schema written
 * by someone else is. The serdes install it; so must code that builds records with defaulted enum
 * fields before any serde is loaded.
 */
public final class TrustedSchemaClasses {
  private static final String PACKAGE = "io.visitorprofiler.schemas.";
  private static boolean installed;

  private TrustedSchemaClasses() {}

  public static synchronized void install() {
    if (installed) {
      return;
    }
    ClassSecurityValidator.ClassSecurityPredicate existing = ClassSecurityValidator.getGlobal();
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            existing, type -> type.getName().startsWith(PACKAGE) && !type.isArray()));
    installed = true;
  }
}
