//! Server functions called as the browser's forms call them (form fields in, JSON back), and
//! the district administrator's token for the tests that need one.

use app::domain::identity::AccountRequest;

use super::TestServer;

impl TestServer {
    pub async fn post_form_as(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        token: &str,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("accept", "application/json")
            .bearer_auth(token)
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// A bearer token of a new district administrator (`email`).
    pub async fn district_admin(&self, email: &str) -> String {
        let account = self
            .identity
            .create_account(
                &AccountRequest {
                    email: email.into(),
                    name: "Administración".into(),
                    ..Default::default()
                }
                .validate()
                .expect("a valid account"),
                true,
            )
            .await
            .expect("the administrator's account");
        self.identity
            .mint_access_token(account.id, "pruebas")
            .await
            .expect("a token")
            .1
    }
}
