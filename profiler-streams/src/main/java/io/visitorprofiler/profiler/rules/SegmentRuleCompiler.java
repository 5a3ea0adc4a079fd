package io.visitorprofiler.profiler.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.visitorprofiler.schemas.SegmentDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles segment conditions (CEL) against the declared profile shape, so a misspelt field or a
 * wrong type is refused with its position before the rule reaches the stream, and records which
 * fields each rule reads and which time thresholds it tests.
 */
public final class SegmentRuleCompiler {
  private static final Set<String> COMPARISONS =
      Set.of("_<_", "_<=_", "_>_", "_>=_", "_==_", "_!=_");
  private static final Map<String, RuleGuard.Test> TEXT_TESTS =
      Map.of(
          "startsWith", RuleGuard.Test.STARTS_WITH,
          "endsWith", RuleGuard.Test.ENDS_WITH,
          "contains", RuleGuard.Test.CONTAINS);
  private static final Map<String, RuleGuard.Test> ORDERINGS =
      Map.of(
          "_<_", RuleGuard.Test.LESS,
          "_<=_", RuleGuard.Test.LESS_OR_EQUAL,
          "_>_", RuleGuard.Test.GREATER,
          "_>=_", RuleGuard.Test.GREATER_OR_EQUAL);
  private static final String VARIABLE = "visitor";

  private final CelCompiler compiler;
  private final CelRuntime runtime;

  public SegmentRuleCompiler() {
    compiler =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setTypeProvider(VisitorCelTypes.INSTANCE)
            .addVar(VARIABLE, VisitorCelTypes.INSTANCE.visitor())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addLibraries(CelExtensions.strings())
            .setResultType(SimpleType.BOOL)
            .build();
    runtime =
        CelRuntimeFactory.standardCelRuntimeBuilder().addLibraries(CelExtensions.strings()).build();
  }

  /** Compiles a definition's condition. */
  public SegmentRule compile(SegmentDefinition definition) throws RuleCompileException {
    CelAbstractSyntaxTree ast = check(definition.getCondition());
    CelRuntime.Program program;
    try {
      program = runtime.createProgram(ast);
    } catch (dev.cel.common.CelException e) {
      throw new RuleCompileException(
          e.getMessage(), List.of(new RuleCompileException.Problem(1, 1, e.getMessage())));
    }
    CelNavigableExpr root = CelNavigableAst.fromAst(ast).getRoot();
    Guards guards = guards(ast.getExpr());
    return new SegmentRule(
        definition, program, reads(root), thresholds(root), guards.tests(), guards.decide());
  }

  private CelAbstractSyntaxTree check(String condition) throws RuleCompileException {
    if (condition == null || condition.isBlank()) {
      throw new RuleCompileException(
          "the condition is empty",
          List.of(new RuleCompileException.Problem(1, 1, "empty condition")));
    }
    try {
      return compiler.compile(condition).getAst();
    } catch (CelValidationException e) {
      List<RuleCompileException.Problem> problems = new ArrayList<>();
      for (CelIssue issue : e.getErrors()) {
        problems.add(
            new RuleCompileException.Problem(
                issue.getSourceLocation().getLine(),
                issue.getSourceLocation().getColumn() + 1,
                issue.getMessage()));
      }
      throw new RuleCompileException(e.getMessage(), problems);
    }
  }

  private static long reads(CelNavigableExpr root) {
    long mask = 0;
    for (CelNavigableExpr node : root.allNodes().toList()) {
      CelExpr expr = node.expr();
      boolean endOfChain = !isOperandOfSelect(node);
      if (expr.getKind() == CelExpr.ExprKind.Kind.IDENT
          && expr.ident().name().equals(VARIABLE)
          && endOfChain) {
        return FieldMask.ALL; // the whole visitor is used as a value
      }
      if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT && endOfChain) {
        Optional<String> path = visitorPath(expr);
        if (path.isPresent()) {
          mask |= maskOf(path.get());
        }
      }
    }
    return mask;
  }

  private static boolean isOperandOfSelect(CelNavigableExpr node) {
    Optional<CelNavigableExpr> parent = node.parent();
    return parent.isPresent()
        && parent.get().expr().getKind() == CelExpr.ExprKind.Kind.SELECT
        && parent.get().expr().select().operand().id() == node.expr().id();
  }

  /** {@code visitor.cart.value} gives {@code cart.value}; anything not rooted at visitor, empty. */
  private static Optional<String> visitorPath(CelExpr select) {
    StringBuilder path = new StringBuilder();
    CelExpr current = select;
    while (current.getKind() == CelExpr.ExprKind.Kind.SELECT) {
      path.insert(0, path.isEmpty() ? current.select().field() : current.select().field() + ".");
      current = current.select().operand();
    }
    boolean rooted =
        current.getKind() == CelExpr.ExprKind.Kind.IDENT && current.ident().name().equals(VARIABLE);
    return rooted ? Optional.of(path.toString()) : Optional.empty();
  }

  private static long maskOf(String path) {
    Optional<ProfileField> field = ProfileField.byPath(path);
    if (field.isPresent()) {
      return field.get().bit();
    }
    long mask = 0; // a whole group used as a value, such as visitor.cart
    for (ProfileField f : ProfileField.values()) {
      if (f.path().startsWith(path + ".")) {
        mask |= f.bit();
      }
    }
    if (mask != 0) {
      return mask;
    }
    // A map's key read as a field (visitor.postChat.rating): the map is what is read.
    for (int dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
      Optional<ProfileField> map = ProfileField.byPath(path.substring(0, dot));
      if (map.isPresent()) {
        return map.get().bit();
      }
    }
    return 0;
  }

  /**
   * The guards among the conjuncts of a top-level {@code &&} chain, and whether they decide the
   * rule.
   *
   * @param tests every conjunct that compares a field with a literal in one of {@link RuleGuard}'s
   *     forms; equality and list membership first, as the most selective
   * @param decide whether the condition is exactly their conjunction (every top-level conjunct is
   *     one): then the guards are the rule's outcome and CEL need not run
   */
  record Guards(List<RuleGuard> tests, boolean decide) {}

  static Guards guards(CelExpr expr) {
    List<RuleGuard> tests = new ArrayList<>();
    boolean decide = collectGuards(expr, tests);
    tests.sort(
        java.util.Comparator.comparing(
            g -> g.test() == RuleGuard.Test.EQUALS || g.test() == RuleGuard.Test.IN_LIST ? 0 : 1));
    return new Guards(List.copyOf(tests), decide);
  }

  /** Adds the guards among the conjuncts; true when every conjunct was one. */
  private static boolean collectGuards(CelExpr expr, List<RuleGuard> guards) {
    if (expr.getKind() != CelExpr.ExprKind.Kind.CALL) {
      return false;
    }
    if (expr.call().function().equals("_&&_")) {
      boolean all = true;
      for (CelExpr conjunct : expr.call().args()) {
        all &= collectGuards(conjunct, guards);
      }
      return all;
    }
    Optional<RuleGuard> guard = guard(expr);
    guard.ifPresent(guards::add);
    return guard.isPresent();
  }

  /** The guard form of one conjunct, if it has one. */
  private static Optional<RuleGuard> guard(CelExpr expr) {
    String function = expr.call().function();
    List<CelExpr> args = expr.call().args();
    if (function.equals("_==_") && args.size() == 2) {
      return equality(args.get(0), args.get(1))
          .or(() -> equality(args.get(1), args.get(0)))
          .or(() -> entryEquality(args.get(0), args.get(1)))
          .or(() -> entryEquality(args.get(1), args.get(0)));
    }
    if (function.equals("@in") && args.size() == 2) {
      Optional<String> literal = stringConstant(args.get(0));
      Optional<ProfileField> container = field(args.get(1));
      if (literal.isEmpty() || container.isEmpty()) {
        return Optional.empty();
      }
      if (container.get() == ProfileField.CART_SKUS) {
        return Optional.of(new RuleGuard(container.get(), RuleGuard.Test.IN_LIST, literal.get()));
      }
      if (container.get().type() instanceof MapType) {
        return Optional.of(new RuleGuard(container.get(), RuleGuard.Test.HAS_KEY, literal.get()));
      }
      return Optional.empty();
    }
    RuleGuard.Test text = TEXT_TESTS.get(function);
    if (text != null && expr.call().target().isPresent() && args.size() == 1) {
      Optional<ProfileField> field =
          field(expr.call().target().get()).filter(f -> f.type() == SimpleType.STRING);
      Optional<String> literal = stringConstant(args.get(0));
      if (field.isPresent() && literal.isPresent()) {
        return Optional.of(new RuleGuard(field.get(), text, literal.get()));
      }
      return Optional.empty();
    }
    RuleGuard.Test ordering = ORDERINGS.get(function);
    if (ordering != null && args.size() == 2) {
      return comparison(args.get(0), ordering, args.get(1))
          .or(() -> comparison(args.get(1), mirrored(ordering), args.get(0)));
    }
    return Optional.empty();
  }

  private static Optional<RuleGuard> equality(CelExpr fieldSide, CelExpr literalSide) {
    Optional<ProfileField> field = field(fieldSide).filter(f -> f.type() == SimpleType.STRING);
    Optional<String> literal = stringConstant(literalSide);
    if (field.isEmpty() || literal.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new RuleGuard(field.get(), RuleGuard.Test.EQUALS, literal.get()));
  }

  /** {@code visitor.postChat['found'] == 'no'}: a map field indexed by a literal key. */
  private static Optional<RuleGuard> entryEquality(CelExpr indexSide, CelExpr literalSide) {
    if (indexSide.getKind() != CelExpr.ExprKind.Kind.CALL
        || !indexSide.call().function().equals("_[_]")
        || indexSide.call().args().size() != 2) {
      return Optional.empty();
    }
    Optional<ProfileField> map =
        field(indexSide.call().args().get(0)).filter(f -> f.type() instanceof MapType);
    Optional<String> key = stringConstant(indexSide.call().args().get(1));
    Optional<String> literal = stringConstant(literalSide);
    if (map.isEmpty() || key.isEmpty() || literal.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new RuleGuard(map.get(), RuleGuard.Test.ENTRY_EQUALS, Map.entry(key.get(), literal.get())));
  }

  /** {@code field <op> number}, for a number field. */
  private static Optional<RuleGuard> comparison(
      CelExpr fieldSide, RuleGuard.Test test, CelExpr constantSide) {
    Optional<ProfileField> field =
        field(fieldSide).filter(f -> f.type() == SimpleType.INT || f.type() == SimpleType.DOUBLE);
    if (field.isEmpty() || constantSide.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
      return Optional.empty();
    }
    CelConstant constant = constantSide.constant();
    Number bound =
        switch (constant.getKind()) {
          case INT64_VALUE -> constant.int64Value();
          case DOUBLE_VALUE -> constant.doubleValue();
          default -> null;
        };
    if (bound == null) {
      return Optional.empty();
    }
    return Optional.of(new RuleGuard(field.get(), test, bound));
  }

  /** {@code a < b} is {@code b > a}. */
  private static RuleGuard.Test mirrored(RuleGuard.Test comparison) {
    return switch (comparison) {
      case LESS -> RuleGuard.Test.GREATER;
      case LESS_OR_EQUAL -> RuleGuard.Test.GREATER_OR_EQUAL;
      case GREATER -> RuleGuard.Test.LESS;
      default -> RuleGuard.Test.LESS_OR_EQUAL;
    };
  }

  private static Optional<ProfileField> field(CelExpr expr) {
    return expr.getKind() == CelExpr.ExprKind.Kind.SELECT
        ? visitorPath(expr).flatMap(ProfileField::byPath)
        : Optional.empty();
  }

  private static Optional<String> stringConstant(CelExpr expr) {
    return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT
            && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE
        ? Optional.of(expr.constant().stringValue())
        : Optional.empty();
  }

  private static List<TimeThreshold> thresholds(CelNavigableExpr root) {
    List<TimeThreshold> thresholds = new ArrayList<>();
    for (CelNavigableExpr node : root.allNodes().toList()) {
      CelExpr expr = node.expr();
      if (expr.getKind() != CelExpr.ExprKind.Kind.CALL
          || !COMPARISONS.contains(expr.call().function())
          || expr.call().args().size() != 2) {
        continue;
      }
      CelExpr left = expr.call().args().get(0);
      CelExpr right = expr.call().args().get(1);
      threshold(left, right).or(() -> threshold(right, left)).ifPresent(thresholds::add);
    }
    return thresholds;
  }

  private static Optional<TimeThreshold> threshold(CelExpr fieldSide, CelExpr constantSide) {
    if (fieldSide.getKind() != CelExpr.ExprKind.Kind.SELECT
        || constantSide.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
      return Optional.empty();
    }
    Optional<ProfileField> field = visitorPath(fieldSide).flatMap(ProfileField::byPath);
    if (field.isEmpty() || !field.get().timeDependent()) {
      return Optional.empty();
    }
    CelConstant constant = constantSide.constant();
    return switch (constant.getKind()) {
      case INT64_VALUE -> Optional.of(new TimeThreshold(field.get(), constant.int64Value()));
      case UINT64_VALUE ->
          Optional.of(new TimeThreshold(field.get(), constant.uint64Value().longValue()));
      case DOUBLE_VALUE ->
          Optional.of(new TimeThreshold(field.get(), (long) Math.ceil(constant.doubleValue())));
      default -> Optional.empty();
    };
  }
}
