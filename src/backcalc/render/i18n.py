"""User-facing text in English and Spanish, and the style every renderer is given.

Spanish follows the course notes: "paso hacia adelante", "función de costo", "capa",
"observación", a decimal comma. Error messages stay in English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from backcalc.render.numbers import NumberFormat

Lang = Literal["en", "es"]
LANGS: tuple[Lang, ...] = ("en", "es")


@dataclass(frozen=True)
class Style:
    """How a renderer writes: the language and the number format (decimals, separator)."""

    lang: Lang = "en"
    numbers: NumberFormat = field(default_factory=NumberFormat)

    def t(self, key: str, **values: object) -> str:
        return text(key, self.lang, **values)

    def name(self, thing: object) -> str:
        """The name of an activation or a loss in prose: the locale's, else its `name`."""
        from backcalc.core.activations import Activation

        family = "activation" if isinstance(thing, Activation) else "loss"
        name: str = getattr(thing, "name", "")
        key = f"{family}.{name}"
        return text(key, self.lang) if key in TEXT else name


def text(key: str, lang: Lang, **values: object) -> str:
    english, spanish = TEXT[key]
    return (spanish if lang == "es" else english).format(**values)


TEXT: dict[str, tuple[str, str]] = {
    # -- run: header and sections
    "column_convention": (
        "column convention: z = W·a + b, W is (out, in)",
        "convención por columnas: z = W·a + b, W es (salidas, entradas)",
    ),
    "row_convention": (
        "row convention: z = a·W + b, W is (in, out)",
        "convención por filas: z = a·W + b, W es (entradas, salidas)",
    ),
    "one_observation": ("1 observation", "1 observación"),
    "batch_columns": (
        "a batch of {m} observations, one column each",
        "un lote de {m} observaciones, una columna cada una",
    ),
    "batch_rows": (
        "a batch of {m} observations, one row each",
        "un lote de {m} observaciones, una fila cada una",
    ),
    "network_line": ("network: {sizes}; data: {data}", "red: {sizes}; datos: {data}"),
    "loss_line": ("loss: {name}, ℓ = {formula}", "función de costo: {name}, ℓ = {formula}"),
    "reduction_mean": ("mean", "media"),
    "reduction_sum": ("sum", "suma"),
    "batch_reduction": (
        "J = {reduction} of ℓ over the batch",
        "J = {reduction} de ℓ sobre el lote",
    ),
    "l2_line": (
        "L2 regularisation: + λ·ΣW² with λ = {l2}",
        "regularización L2: + λ·ΣW² con λ = {l2}",
    ),
    "given": ("Given", "Datos"),
    "big_summary": (
        "min {min}  max {max}  mean {mean}  norm {norm}",
        "mín {min}  máx {max}  media {mean}  norma {norm}",
    ),
    "target": ("y (target)", "y (objetivo)"),
    "forward_pass": ("Forward pass", "Paso hacia adelante"),
    "layer_title": (
        "Layer {n}: {n_in} → {n_out}, {activation}",
        "Capa {n}: {n_in} → {n_out}, {activation}",
    ),
    "loss": ("Loss", "Función de costo"),
    "predicted_class": ("predicted class", "clase predicha"),
    "loss_per_observation": ("ℓ per observation", "ℓ por observación"),
    "reduction_of_l": ("{reduction} of ℓ", "{reduction} de ℓ"),
    "backward_pass": ("Backward pass", "Paso hacia atrás (retropropagación)"),
    "layer": ("Layer {n}", "Capa {n}"),
    "observation": ("observation {i}", "observación {i}"),
    "columns": ("columns {first}–{last}", "columnas {first}–{last}"),
    "fused_note": (
        "{delta} = {formula}: the fused form of {activation} with {loss}, exact and numerically "
        "stable.",
        "{delta} = {formula}: la forma combinada de {activation} con {loss}, exacta y "
        "numéricamente estable.",
    ),
    "fused_infinite": (
        " ∂J/∂ŷ is infinite where ŷ is exactly 0 or 1, shown as ∞.",
        " ∂J/∂ŷ es infinita donde ŷ vale exactamente 0 o 1, y se muestra como ∞.",
    ),
    "update": (
        "Gradient-descent step (η = {eta})",
        "Paso de descenso por el gradiente (η = {eta})",
    ),
    "hand_rounding": (
        "computed by hand: every number rounded to {n} decimals (half away from zero) and used "
        "rounded in the next step",
        "calculado a mano: cada número redondeado a {n} decimales (la mitad hacia arriba en valor "
        "absoluto) y usado redondeado en el paso siguiente",
    ),
    # -- activation formula words
    "with_alpha": ("with α = {alpha}", "con α = {alpha}"),
    "with_slope": ("with slope {slope}", "con pendiente {slope}"),
    "if_positive_else": ("1 if z > 0, else {value}", "1 si z > 0, si no {value}"),
    "relu_derivative": (
        "1 if z > 0, 0 if z < 0, {d0} at 0",
        "1 si z > 0, 0 si z < 0, {d0} en 0",
    ),
    # -- check
    "check_title": ("Gradient check: {title}", "Verificación de gradientes: {title}"),
    "check_method": (
        "central differences in float64: (J(θ+ε) − J(θ−ε)) / 2ε with ε = {eps}",
        "diferencias centrales en float64: (J(θ+ε) − J(θ−ε)) / 2ε con ε = {eps}",
    ),
    "check_rule": (
        "pass rule: |analytic − numeric| ≤ atol + rtol·|numeric|",
        "criterio: |analítico − numérico| ≤ atol + rtol·|numérico|",
    ),
    "check_tolerances": (
        "  with rtol = {rtol}, atol = {atol} + {floor} (for the rounding in J = {loss})",
        "  con rtol = {rtol}, atol = {atol} + {floor} (por el redondeo de J = {loss})",
    ),
    "check_sampled": (
        "a large network: a seeded sample of entries per parameter plus random directions v, "
        "(J(θ+εv) − J(θ−εv)) / 2ε against ∇J·v (seed {seed}; --all checks every entry)",
        "una red grande: una muestra (con semilla) de entradas por parámetro y direcciones "
        "aleatorias v, (J(θ+εv) − J(θ−εv)) / 2ε frente a ∇J·v (semilla {seed}; --all las "
        "verifica todas)",
    ),
    "entries": ("{n} entries", "{n} entradas"),
    "one_entry": ("1 entry", "1 entrada"),
    "one_number": ("1 number", "1 número"),
    "all_entries": ("all {n} entries", "las {n} entradas"),
    "sample_entries": (
        "a sample of {checked} of {n} entries",
        "una muestra de {checked} de {n} entradas",
    ),
    "and_directions": (
        "{sample} and {k} random directions",
        "{sample} y {k} direcciones aleatorias",
    ),
    "direction": ("direction {k}", "dirección {k}"),
    "col_entry": ("entry", "entrada"),
    "col_analytic": ("analytic", "analítico"),
    "col_numeric": ("numeric", "numérico"),
    "col_abs_error": ("abs error", "error abs."),
    "col_rel_error": ("rel error", "error rel."),
    "col_status": ("status", "estado"),
    "col_step": ("step", "paso"),
    "col_claimed": ("claimed", "tu valor"),
    "col_correct": ("correct", "correcto"),
    "status_pass": ("pass", "bien"),
    "status_fail": ("fail", "mal"),
    "status_kink": ("kink", "quiebre"),
    "more_entries": ("… and {n} more entries, all passing", "… y {n} entradas más, todas bien"),
    "kink_note": (
        "kink: θ ± ε lies on both sides of a kink (a ReLU-type input or a hinge margin at 0, abs "
        "at 0, a max or min tie), so the finite difference is not the derivative there.",
        "quiebre: θ ± ε cae a ambos lados de un punto no derivable (la entrada de una ReLU o un "
        "margen de hinge en 0, abs en 0, un empate en max o min), así que la diferencia finita no "
        "es la derivada allí.",
    ),
    "passed": ("PASSED", "CORRECTO"),
    "failed": ("FAILED", "INCORRECTO"),
    "check_summary": (
        ": {n} checks, {passed} pass, {failed} fail, {kinks} kink.",
        ": {n} comprobaciones, {passed} bien, {failed} mal, {kinks} quiebre.",
    ),
    "worst": (
        " Worst relative error {error} at {where}.",
        " Mayor error relativo {error} en {where}.",
    ),
    "answers_title": ("Checking {answers} against: {title}", "Revisando {answers} contra: {title}"),
    "answers_rule": (
        "pass rule: |claimed − correct| ≤ atol + rtol·|correct| + half a unit in the last decimal",
        "criterio: |tu valor − correcto| ≤ atol + rtol·|correcto| + media unidad en el último "
        "decimal",
    ),
    "answers_tolerances": (
        "  written (rtol = {rtol}, atol = {atol}), or within one unit in that decimal of the\n"
        "  same computation rounded at every step (as by hand)",
        "  escrito (rtol = {rtol}, atol = {atol}), o a una unidad en ese decimal del mismo\n"
        "  cálculo redondeado en cada paso (como a mano)",
    ),
    "first_wrong_marker": ("  ← first wrong step", "  ← primer paso incorrecto"),
    "answers_all_right": (
        ": all {n} claimed entries are right.",
        ": las {n} entradas que diste son correctas.",
    ),
    "answers_wrong": (
        ": {wrong} of {n} claimed entries are wrong. The first wrong step is {where}: you have "
        "{claimed}, the correct value is {correct}.",
        ": {wrong} de {n} entradas que diste son incorrectas. El primer paso incorrecto es "
        "{where}: tienes {claimed}, el valor correcto es {correct}.",
    ),
    # -- step-by-step solutions (prose; $...$ is math)
    "sol_statement": ("Statement", "Enunciado"),
    "sol_network": (
        "A network of {n} layers ({sizes}); activations: {activations}.",
        "Una red de {n} capas ({sizes}); activaciones: {activations}.",
    ),
    "sol_column": (
        "Each layer computes $z^{{(l)}} = W^{{(l)}} a^{{(l-1)}} + b^{{(l)}}$ and "
        "$a^{{(l)}} = g(z^{{(l)}})$, with $W^{{(l)}}$ of shape outputs × inputs and "
        "$a^{{(0)}} = x$.",
        "Cada capa calcula $z^{{(l)}} = W^{{(l)}} a^{{(l-1)}} + b^{{(l)}}$ y "
        "$a^{{(l)}} = g(z^{{(l)}})$, con $W^{{(l)}}$ de tamaño salidas × entradas y "
        "$a^{{(0)}} = x$.",
    ),
    "sol_row": (
        "Each layer computes $z^{{(l)}} = a^{{(l-1)}} W^{{(l)}} + b^{{(l)}}$ and "
        "$a^{{(l)}} = g(z^{{(l)}})$, with $W^{{(l)}}$ of shape inputs × outputs, one observation "
        "per row, and $a^{{(0)}} = x$.",
        "Cada capa calcula $z^{{(l)}} = a^{{(l-1)}} W^{{(l)}} + b^{{(l)}}$ y "
        "$a^{{(l)}} = g(z^{{(l)}})$, con $W^{{(l)}}$ de tamaño entradas × salidas, una "
        "observación por fila, y $a^{{(0)}} = x$.",
    ),
    "sol_parameters": ("The parameters:", "Los parámetros:"),
    "sol_one_observation": (
        "The observation and its target:",
        "La observación y su valor objetivo:",
    ),
    "sol_batch_columns": (
        "A batch of {m} observations, one per column, and their targets:",
        "Un lote de {m} observaciones, una por columna, y sus valores objetivo:",
    ),
    "sol_batch_rows": (
        "A batch of {m} observations, one per row, and their targets:",
        "Un lote de {m} observaciones, una por fila, y sus valores objetivo:",
    ),
    "sol_classes": (
        "The targets are classes, written as one-hot vectors (classes counted from 0).",
        "Los objetivos son clases, escritas como vectores one-hot (clases contadas desde 0).",
    ),
    "sol_loss_statement": ("The loss function:", "La función de costo:"),
    "sol_mean": (
        "averaged over the $m = {m}$ observations of the batch.",
        "promediada sobre las $m = {m}$ observaciones del lote.",
    ),
    "sol_sum": (
        "summed over the $m = {m}$ observations of the batch.",
        "sumada sobre las $m = {m}$ observaciones del lote.",
    ),
    "sol_l2": (
        "with an L2 penalty on every weight (not the biases):",
        "con una penalización L2 sobre todos los pesos (no los sesgos):",
    ),
    "sol_precision": (
        "Computed in double precision; every result is shown with {n} decimals.",
        "Cálculos en doble precisión; cada resultado se muestra con {n} decimales.",
    ),
    "sol_hand": (
        "Computed as by hand: every number is rounded to {n} decimals (half away from zero) and "
        "the next step uses the rounded value; $g'(z)$ is evaluated at the rounded $z$.",
        "Calculado como a mano: cada número se redondea a {n} decimales (la mitad hacia arriba "
        "en valor absoluto) y el paso siguiente usa el valor redondeado; $g'(z)$ se evalúa en "
        "el $z$ redondeado.",
    ),
    "sol_forward": ("Forward pass", "Paso hacia adelante"),
    "sol_layer": ("Layer {n}", "Capa {n}"),
    "sol_linear": (
        "The input {input} goes through layer {n} with weights $W^{{({n})}}${bias}:",
        "La entrada {input} pasa por la capa {n} con pesos $W^{{({n})}}${bias}:",
    ),
    "sol_with_bias": (" and bias $b^{{({n})}}$", " y sesgo $b^{{({n})}}$"),
    "sol_shared_bias": (
        " and one bias $b^{{({n})}}$ shared by its units",
        " y un único sesgo $b^{{({n})}}$ compartido por sus neuronas",
    ),
    "sol_activation": (
        "Now the activation is applied to $z^{{({n})}}$:",
        "Ahora se aplica la activación a $z^{{({n})}}$:",
    ),
    "sol_loss": ("Loss", "Función de costo"),
    "sol_loss_value": (
        r"With the output $\hat{{y}} = a^{{({n})}}$ the loss is:",
        r"Con la salida $\hat{{y}} = a^{{({n})}}$ el costo es:",
    ),
    "sol_probabilities": (
        r"The class probabilities are $p = \mathrm{{softmax}}(\hat{{y}})$:",
        r"Las probabilidades de cada clase son $p = \mathrm{{softmax}}(\hat{{y}})$:",
    ),
    "sol_backward": ("Backward pass", "Paso hacia atrás (retropropagación)"),
    "sol_output_gradient": (
        "The derivative of the loss with respect to the output:",
        "La derivada del costo respecto de la salida:",
    ),
    "sol_received": (
        "From layer {above}, layer {n} receives $\\frac{{\\partial J}}{{\\partial a^{{({n})}}}}$.",
        "De la capa {above}, la capa {n} recibe $\\frac{{\\partial J}}{{\\partial a^{{({n})}}}}$.",
    ),
    "sol_g_prime": (
        "The derivative of the activation at $z^{{({n})}}$:",
        "La derivada de la activación en $z^{{({n})}}$:",
    ),
    "sol_identity": (
        "The activation is the identity, so $g'(z^{{({n})}}) = 1$ and the error of each unit is "
        "the gradient received:",
        "La activación es la identidad, así que $g'(z^{{({n})}}) = 1$ y el error de cada neurona "
        "es el gradiente recibido:",
    ),
    "sol_delta": (
        "The error of each unit, $\\delta^{{({n})}} = \\frac{{\\partial J}}{{\\partial "
        "z^{{({n})}}}}$:",
        "El error de cada neurona, $\\delta^{{({n})}} = \\frac{{\\partial J}}{{\\partial "
        "z^{{({n})}}}}$:",
    ),
    "sol_fused": (
        "A {activation} output with the {loss} loss simplifies to this (the exact, numerically "
        "stable form):",
        "Una salida {activation} con el costo {loss} se simplifica así (la forma exacta y "
        "numéricamente estable):",
    ),
    "sol_weights": (
        "The gradient with respect to the weights:",
        "El gradiente respecto de los pesos:",
    ),
    "sol_weights_l2": (
        r"The gradient with respect to the weights, with the L2 term $2\lambda W^{{({n})}}$:",
        r"El gradiente respecto de los pesos, con el término L2 $2\lambda W^{{({n})}}$:",
    ),
    "sol_bias": ("With respect to the bias:", "Respecto del sesgo:"),
    "sol_bias_batch": (
        "With respect to the bias, summed over the observations of the batch:",
        "Respecto del sesgo, sumando sobre las observaciones del lote:",
    ),
    "sol_bias_shared": (
        "With respect to the shared bias, the sum over the units{batch}:",
        "Respecto del sesgo compartido, la suma sobre las neuronas{batch}:",
    ),
    "sol_and_batch": (" and the observations", " y las observaciones"),
    "sol_pass_down": (
        "And what is passed down to layer {below}:",
        "Y lo que se pasa a la capa {below}:",
    ),
    "sol_input_gradient": ("And with respect to the input:", "Y respecto de la entrada:"),
    "sol_update": ("Gradient-descent step", "Paso de descenso por el gradiente"),
    "sol_update_intro": (
        r"With learning rate $\eta = {eta}$:",
        r"Con tasa de aprendizaje $\eta = {eta}$:",
    ),
    "sol_summary": ("Summary", "Resumen"),
    # -- computational graphs
    "graph_forward": ("Forward pass", "Paso hacia adelante"),
    "graph_backward": ("Backward pass", "Paso hacia atrás (retropropagación)"),
    "graph_gradients": ("Gradients of {out}", "Gradientes de {out}"),
    "col_node": ("node", "nodo"),
    "col_formula": ("formula", "fórmula"),
    "col_value": ("value", "valor"),
    "col_upstream": ("∂{out}/∂node", "∂{out}/∂nodo"),
    "col_local": ("local derivative", "derivada local"),
    "col_sends": ("sends back", "devuelve"),
    "col_input": ("input", "entrada"),
    "graph_values": ("values: {values}", "valores: {values}"),
    "graph_output": ("output: {out} = {value}", "salida: {out} = {value}"),
    "fork": (
        "{name} is used {n} times (a fork): its gradient is the sum {terms} = {total}",
        "{name} se usa {n} veces (una bifurcación): su gradiente es la suma {terms} = {total}",
    ),
    "gate_add": ("add: passes the gradient through", "suma: deja pasar el gradiente"),
    "gate_subtract": (
        "subtract: passes it, negated to the right input",
        "resta: lo deja pasar, cambiado de signo hacia la derecha",
    ),
    "gate_multiply": ("multiply: swaps the inputs", "producto: intercambia las entradas"),
    "gate_divide": ("divide: 1/b and −a/b²", "división: 1/b y −a/b²"),
    "gate_power": ("power: b·a^(b−1) and a^b·log a", "potencia: b·a^(b−1) y a^b·log a"),
    "gate_neg": ("negate: −1", "cambio de signo: −1"),
    "gate_max": (
        "max: routes it to the larger input (the first on a tie)",
        "máx: lo envía a la entrada mayor (la primera si empatan)",
    ),
    "gate_min": (
        "min: routes it to the smaller input (the first on a tie)",
        "mín: lo envía a la entrada menor (la primera si empatan)",
    ),
    "gate_function": (
        "{name}: the derivative is {derivative}",
        "{name}: su derivada es {derivative}",
    ),
    "sol_graph_values": ("The values:", "Los valores:"),
    "sol_graph_steps": (
        "The computation, one named step at a time:",
        "El cálculo, paso a paso con nombre:",
    ),
    "sol_graph_forward_intro": (
        "Each step with the values substituted:",
        "Cada paso con los valores sustituidos:",
    ),
    "sol_graph_backward_intro": (
        "Backwards from the output, with $\\frac{{\\partial {out}}}{{\\partial {out}}} = 1$: "
        "each step's derivative is the sum, over the steps that use it, of their local derivative "
        "times their own derivative (the chain rule).",
        "Hacia atrás desde la salida, con $\\frac{{\\partial {out}}}{{\\partial {out}}} = 1$: "
        "la derivada de cada paso es la suma, sobre los pasos que lo usan, de su derivada local "
        "por su propia derivada (la regla de la cadena).",
    ),
    "sol_graph_inputs": (
        "And the derivatives with respect to the values:",
        "Y las derivadas respecto de los valores:",
    ),
    # -- training
    "train_title": ("Training: {title}", "Entrenamiento: {title}"),
    "train_steps": (
        "{n} full-batch gradient-descent steps, η = {eta}{extra}",
        "{n} pasos de descenso por el gradiente con todo el lote, η = {eta}{extra}",
    ),
    "train_epochs": (
        "{n} epochs of mini-batch SGD, batches of {b} ({updates} updates), η = {eta}, "
        "seed {seed}{extra}",
        "{n} épocas de SGD por mini-lotes, lotes de {b} ({updates} actualizaciones), η = {eta}, "
        "semilla {seed}{extra}",
    ),
    "train_momentum": (", momentum μ = {mu}", ", momento μ = {mu}"),
    "train_schedule": (
        ", η × {gamma} every {step} {unit}s",
        ", η × {gamma} cada {step} {unit}s",
    ),
    "train_losses": (
        "Loss J over the whole data (m = {m})",
        "Costo J sobre todos los datos (m = {m})",
    ),
    "unit_step": ("step", "paso"),
    "unit_epoch": ("epoch", "época"),
    "train_accuracy": (
        "accuracy: {before} before, {after} after training",
        "exactitud: {before} antes, {after} después del entrenamiento",
    ),
    "train_parameters": ("Trained parameters", "Parámetros entrenados"),
    "train_progress": ("training", "entrenando"),
}
