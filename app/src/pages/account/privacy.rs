//! *Aviso de privacidad* (Ley 1581 de 2012 and Decreto 1377 de 2013): who is responsible, for
//! what the data is used, the holder's rights and how to exercise them.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <Title text="Aviso de privacidad · Sala situacional" />
        <article class="narrow prose" data-privacy>
            <h1>"Aviso de privacidad"</h1>
            <h2>"Responsable del tratamiento"</h2>
            <p>
                "La Secretaría Distrital de Salud de Bogotá, como coordinadora del modelo MAS Bienestar, es responsable de los datos personales que se registran en Sala situacional. "
                "Cada Mesa (su secretaría técnica) es encargada de los datos de sus integrantes y sesiones."
            </p>
            <h2>"Qué datos y para qué"</h2>
            <ul>
                <li>"De las personas con cuenta: nombre, correo, institución, sector y, si lo da, teléfono; para identificarlas, asignarles roles y dejar constancia de sus actuaciones."</li>
                <li>"De los integrantes de las Mesas: nombre, institución, sector, rol y un dato de contacto; para convocar, verificar el quórum y seguir los compromisos."</li>
                <li>"De las sesiones: asistencia, barreras, acuerdos y compromisos; para las actas, el seguimiento y los tableros de gestión."</li>
                <li>"Registro de auditoría (quién hizo qué y cuándo): para la trazabilidad de las decisiones."</li>
            </ul>
            <p>
                "Los teléfonos y correos solo los ven la coordinación de cada Mesa y la propia persona; nunca se muestran en el proyector ni a visitantes sin sesión. "
                "Las actas cerradas son públicas solo si la Mesa decide publicarlas."
            </p>
            <h2>"Sus derechos"</h2>
            <p>
                "Conocer, actualizar y rectificar sus datos; pedir prueba de la autorización; ser informado del uso; presentar quejas ante la Superintendencia de Industria y Comercio; revocar la autorización o pedir la supresión cuando no haya un deber legal de conservarlos (las actas son documentos públicos de la Mesa)."
            </p>
            <h2>"Cómo ejercerlos"</h2>
            <p>
                "Con cuenta, corrija sus datos en «Mi cuenta». Para lo demás, escriba a la secretaría técnica de su Mesa o a la administración de Sala; se responde en los plazos de la Ley 1581 de 2012 (diez días hábiles para consultas, quince para reclamos)."
            </p>
        </article>
    }
    .into_any()
}
