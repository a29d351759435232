"""Skill extraction against the real taxonomy data, and the integrity of that data.

Pure Python: nothing here needs Django.
"""

import json
import re
from collections import Counter
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from mentorship.taxonomy import extraction
from mentorship.taxonomy.extraction import SkillMatcher, normalise_skill_name

TAXONOMY_PATH = Path(extraction.__file__).parent / "data" / "taxonomy.json"

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CATEGORIES = {
    "programming-languages",
    "data-engineering",
    "databases",
    "ml-frameworks",
    "ml-methods",
    "analytics-bi",
    "cloud-devops",
    "math-statistics",
    "tools",
    "soft-skills",
    "web",
}
ROLES = {
    "data-engineer",
    "data-analyst",
    "data-scientist",
    "machine-learning-engineer",
    "machine-learning-researcher",
}
BACKGROUNDS = {
    "software-engineering",
    "physics",
    "mathematics",
    "academia",
    "analytics",
    "ui-design",
    "marketing",
    "finance",
    "economics",
    "biology",
    "electrical-engineering",
    "business",
    "student",
    "other-engineering",
}
# Skills the seed articles name, plus the core of a job-posting catalogue.
REQUIRED_SKILLS = {
    # Seed articles.
    "apache-spark", "hadoop", "hive", "kafka", "sql", "python", "tableau", "excel",
    "communication", "data-visualisation", "scikit-learn", "pandas", "flask", "tensorflow",
    "pytorch", "keras", "business-sense", "javascript", "mongodb", "model-deployment",
    "research", "custom-optimisation", "git", "cloud-computing", "algorithms-data-structures",
    "linux-command-line", "calculus", "linear-algebra", "data-preparation", "mlops",
    "professional-networking", "numpy", "scipy", "deep-learning", "streamlit", "gradio",
    "hugging-face",
    # Job postings.
    "statistics", "probability", "ab-testing", "docker", "kubernetes", "aws", "gcp", "azure",
    "airflow", "dbt", "snowflake", "bigquery", "redshift", "databricks", "postgresql", "mysql",
    "nosql", "redis", "elasticsearch", "r", "go", "scala", "java", "cpp", "csharp", "julia",
    "power-bi", "looker", "matplotlib", "seaborn", "plotly", "xgboost", "lightgbm", "nlp",
    "computer-vision", "time-series", "reinforcement-learning", "feature-engineering",
    "experiment-design", "etl", "data-modelling", "data-warehousing", "flink", "apache-beam",
    "fastapi", "django", "rest-apis", "ci-cd", "terraform", "mlflow", "jupyter", "llms",
    "transformers", "recommender-systems", "causal-inference", "bayesian-statistics",
    "mathematical-optimisation", "storytelling", "stakeholder-management",
}  # fmt: skip
DATA_SCIENTIST_MILESTONES = [
    ("plan", 7),
    ("collect-data", 14),
    ("clean-explore", 21),
    ("model", 28),
    ("deploy", 35),
    ("write-up", 42),
]


def vocabulary(taxonomy: Mapping[str, Any]) -> dict[str, list[str]]:
    """Map each skill slug to the names to recognise: its display name, then its aliases."""
    return {skill["slug"]: [skill["name"], *skill["aliases"]] for skill in taxonomy["skills"]}


@pytest.fixture(scope="module")
def taxonomy() -> dict[str, Any]:
    return json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def matcher(taxonomy: dict[str, Any]) -> SkillMatcher:
    return SkillMatcher(vocabulary(taxonomy))


# Realistic job descriptions, each with exactly the skills it mentions.
JOB_POSTINGS = {
    "data-engineer-spark": (
        """
        Senior Data Engineer - Payments Platform

        We move several billion events a day and need someone to keep that data flowing. You
        will design, build and operate the batch and streaming data pipelines behind our fraud
        and finance reporting.

        What you will do
        - Own ingestion from Kafka topics into our lakehouse on AWS, using Apache Spark
          Structured Streaming and Airflow for orchestration.
        - Migrate legacy Hadoop and Hive jobs to PySpark, and retire the old HDFS cluster.
        - Model curated tables for analysts and keep our data warehouse fast and well understood.
        - Run the platform on Kubernetes (we deploy with Terraform and GitHub Actions).

        What we look for
        - Strong SQL and at least one of Python, Scala or Java.
        - Hands-on experience with Spark; you know why a shuffle is expensive.
        - Comfort with the Linux command line, Docker and k8s.
        - No sparkling CV required: show us something you built.
        """,
        {
            "airflow", "apache-spark", "aws", "data-lakes", "data-pipelines", "data-warehousing",
            "docker", "git", "hadoop", "hive", "java", "kafka", "kubernetes",
            "linux-command-line", "python", "scala", "sql", "stream-processing", "terraform",
        },
    ),
    "data-analyst-growth": (
        """
        Data Analyst, Growth

        Our growth team is looking for an analyst who can turn messy product data into
        decisions. You will sit between the R&D group and the sales and marketing leads, and you
        will excel at explaining numbers to people who do not think in percentages.

        Responsibilities
        - Answer questions such as "what is driving user growth?" with SQL and Python.
        - Build and maintain Tableau dashboards that managers actually open.
        - Design and read out A/B tests together with product managers.
        - Share findings clearly; communication matters as much as the maths.

        Requirements
        - 2+ years of data analysis experience.
        - Advanced Excel (pivot tables, lookups) and solid statistics.
        - Experience with Python or R for ad-hoc questions.
        - Business acumen: you ask "so what?" before anyone else does.

        Nice to have: Power BI or Looker, and some exposure to dbt.
        """,
        {
            "ab-testing", "business-sense", "communication", "dashboarding", "data-analysis",
            "dbt", "excel", "looker", "power-bi", "python", "r", "sql", "statistics", "tableau",
        },
    ),
    "data-scientist-pricing": (
        """
        Data Scientist - Pricing

        You will clean and explore large datasets, build models that predict demand, and work
        with engineers to get them into production. Most of our stack is Python: pandas, NumPy,
        scikit learn and statsmodels in Jupyter notebooks, with SQL against a Snowflake
        warehouse.

        You will
        - Frame pricing questions with the commercial team and agree how success is measured.
        - Engineer features, train gradient boosting and linear models, and check them with
          proper cross-validation.
        - Run experiments and explain uncertainty honestly.
        - Ship models behind a small Flask service; we handle the infrastructure.

        You have
        - A quantitative degree or equivalent experience, and strong statistics and probability.
        - Practical machine learning experience beyond tutorials (XGBoost or LightGBM a plus).
        - Some exposure to Spark or TensorFlow/PyTorch is welcome but not required.
        - Business sense: you care whether the model changes a decision.
        """,
        {
            "apache-spark", "business-sense", "flask", "gradient-boosting", "jupyter",
            "lightgbm", "machine-learning", "model-evaluation", "numpy", "pandas", "probability",
            "python", "pytorch", "scikit-learn", "snowflake", "sql", "statistics",
            "statsmodels", "tensorflow", "xgboost",
        },
    ),
    "ml-engineer-recommendations": (
        """
        Machine Learning Engineer - Recommendations

        We are looking for an engineer to take our recommender system from notebook to
        production. You will turn models into reliable services that our web and mobile apps
        call thousands of times per second.

        In this role you will
        - Build, optimise and deploy PyTorch and scikit-learn models as low-latency APIs
          (FastAPI, Docker, k8s).
        - Integrate models into our JavaScript front end and a TypeScript/Node.js backend, next
          to a Java payments service.
        - Reduce prediction time and cost with batching, ONNX export and quantization.
        - Own model monitoring, CI/CD and the feature store.

        You bring
        - Strong Python and software engineering habits: tests, code reviews, clear interfaces.
        - Experience with torch or TensorFlow in production, and with SQL or mongo for app
          databases.
        - Familiarity with MLOps tooling such as MLflow.
        - Solid grasp of data structures and algorithms.
        """,
        {
            "algorithms-data-structures", "ci-cd", "docker", "fastapi", "java", "javascript",
            "kubernetes", "machine-learning", "mlflow", "mlops", "model-monitoring",
            "model-optimisation", "mongodb", "nodejs", "onnx", "python", "pytorch",
            "recommender-systems", "scikit-learn", "software-engineering", "sql", "tensorflow",
            "typescript",
        },
    ),
    "ml-researcher-optimisation": (
        """
        Research Scientist, Machine Learning (Optimisation)

        Our lab studies why large neural networks train the way they do. We want a researcher
        who enjoys inventing methods rather than applying off-the-shelf ones.

        You will
        - Design custom optimizers and learning-rate schedules and test them on vision and
          language benchmarks.
        - Reproduce published baselines before changing anything, and run careful ablations.
        - Write up results for top venues and for our internal reading group.

        Requirements
        - PhD or equivalent research experience in deep learning, optimisation or a related
          field.
        - Excellent linear algebra, multivariable calculus and probability theory.
        - Fluency in Python and PyTorch or JAX; we also maintain a little TensorFlow code.
        - Enough SQL to pull your own evaluation data.
        - A track record of publications or open-source research code on GitHub.

        We value clear technical writing and mentoring of junior colleagues.
        """,
        {
            "calculus", "custom-optimisation", "deep-learning", "git", "jax", "linear-algebra",
            "machine-learning", "mentoring", "probability", "python", "pytorch", "research",
            "sql", "technical-writing", "tensorflow",
        },
    ),
    "biostatistician-r": (
        """
        Biostatistician / Data Scientist (Clinical Trials)

        Join a small team analysing clinical trial data for a mid-sized biotech. Our R&D
        organisation runs studies across three continents, and you will be the person who makes
        sure the statistics hold up.

        What you will do
        - Analyse trial data in R (tidyverse, ggplot2) and produce reproducible reports with
          R Markdown.
        - Fit survival and mixed-effects models, and review statistical analysis plans.
        - Work with clinicians on experimental design and sample size calculations.
        - Share code through Git and explain every derivation.

        What we need
        - An MSc or PhD in statistics, biostatistics or epidemiology.
        - Fluency in R; SAS or Python is a plus.
        - Clear written communication: regulators read your work.

        Applications go to our hiring lead, Dr. R. Smith. Relocation support is described in
        Section R of the staff handbook.
        """,
        {
            "communication", "experiment-design", "ggplot2", "git", "python", "r", "sas",
            "statistics", "tidyverse",
        },
    ),
    "ml-platform-go": (
        """
        Machine Learning Platform Engineer

        Our inference platform serves fraud models to banks in under 20 milliseconds. We are
        hiring an engineer to help it go faster and scale further.

        Go beyond "it works on my laptop": you will own services end to end, from design review
        to on-call.

        Responsibilities
        - Write high-throughput inference services in Go and C++, and maintain a few legacy C#
          integrations.
        - Build gRPC and REST APIs used by internal teams.
        - Run everything on Kubernetes in Google Cloud, with Terraform and Prometheus.
        - Work with data scientists to productionise models trained with XGBoost and PyTorch.

        Requirements
        - 4+ years of backend experience with Golang, Rust or Java.
        - Good knowledge of distributed systems, caching with Redis, and PostgreSQL.
        - You will go to design reviews prepared and leave them with decisions.
        """,
        {
            "cpp", "csharp", "distributed-computing", "gcp", "go", "java", "kubernetes",
            "machine-learning", "postgresql", "pytorch", "redis", "rest-apis", "rust",
            "terraform", "xgboost",
        },
    ),
    "marketing-analyst-excel": (
        """
        Marketing Analyst (Part-time, Remote)

        Excel at turning campaign data into clear recommendations? Our marketing team needs an
        analyst to own weekly reporting and help decide where the budget goes.

        You will
        - Pull campaign and web data from Google Analytics and our CRM with SQL.
        - Keep the weekly KPI report in Microsoft Excel and a Power BI dashboard up to date.
        - Run simple significance testing on campaign variants and explain what the results do
          and do not say.
        - Present to people who are busy and not technical, using data storytelling rather than
          tables.

        You have
        - A degree in marketing, economics or a quantitative field.
        - Confidence with Excel formulas, charts and pivot tables.
        - Some Python (pandas, matplotlib) is a bonus; we will teach you the rest.
        - Curiosity, and the ability to excel at stakeholder management across time zones.
        """,
        {
            "dashboarding", "excel", "google-analytics", "hypothesis-testing", "kpis",
            "matplotlib", "pandas", "power-bi", "python", "sql", "stakeholder-management",
            "storytelling",
        },
    ),
    "nlp-engineer-llms": (
        """
        NLP Engineer - Document Intelligence

        We help insurers read millions of claim documents. You will build the language models
        that extract, classify and summarise them.

        What you will work on
        - Fine-tune transformer models with Hugging Face Transformers and PyTorch on our
          labelled data.
        - Build retrieval-augmented generation (RAG) services with LangChain, pgvector and
          FastAPI.
        - Evaluate LLMs for accuracy, cost and latency, and design prompt engineering
          experiments that a non-specialist can follow.
        - Improve our data labelling workflow with the annotation team.

        About you
        - Solid natural language processing background: tokenisation, embeddings, attention.
        - Production Python and good habits with Git, Docker and unit tests.
        - Experience with spaCy or NLTK for classic text pipelines.
        - Bonus: experience with AWS SageMaker or Azure ML.
        """,
        {
            "aws", "azure", "data-collection", "docker", "fastapi", "git", "hugging-face",
            "langchain", "llms", "machine-learning", "nlp", "nltk", "prompt-engineering",
            "python", "pytorch", "rag", "sagemaker", "software-testing", "spacy",
            "transformers", "vector-databases",
        },
    ),
    "computer-vision-series-c": (
        """
        Computer Vision Engineer (Series C startup)

        We build cameras that count stock on supermarket shelves. We are a Series C company
        with a small, senior team, and we ship models to thousands of edge devices.

        You will
        - Train object detection and segmentation models in PyTorch, and squeeze them onto
          embedded hardware with TensorRT and ONNX.
        - Write performance-critical pre-processing in C/C++ and CUDA, with OpenCV.
        - Build quick internal demos with Streamlit or Gradio, and share them on Hugging Face
          Spaces.
        - Collect and label new data when the shelves change, and track experiments in
          Weights & Biases.

        You have
        - A strong foundation in deep learning and linear algebra.
        - Real experience deploying models to resource-constrained devices.
        - Comfort on the Linux command line and with Git.
        """,
        {
            "c", "computer-vision", "cpp", "cuda", "deep-learning", "git", "gradio",
            "hugging-face", "linear-algebra", "linux-command-line", "model-deployment", "onnx",
            "opencv", "pytorch", "streamlit", "weights-and-biases",
        },
    ),
    "analytics-engineer-dbt": (
        """
        Analytics Engineer

        Sit between data engineering and analysis: you will own the models that every
        dashboard in the company reads from.

        Day to day
        - Write and test dbt models on BigQuery, following dimensional modeling conventions.
        - Orchestrate loads with Apache Airflow and replicate our postgres and MySQL databases
          into the warehouse.
        - Define metrics with finance and product, and publish them in Looker.
        - Add data quality tests and data lineage so people trust the numbers.
        - Review pull requests and keep the documentation current.

        Requirements
        - Expert SQL, including window functions and query tuning.
        - Experience with a modern cloud data warehouse (BigQuery, Snowflake or Redshift).
        - Working knowledge of Python and version control.
        - Clear communicator who can say no to a metric nobody will use.
        """,
        {
            "airflow", "bigquery", "cloud-computing", "communication", "dashboarding",
            "data-governance", "data-modelling", "data-quality", "data-warehousing", "dbt",
            "git", "looker", "mysql", "postgresql", "python", "redshift", "snowflake", "sql",
            "technical-writing",
        },
    ),
    "junior-data-scientist-forecasting": (
        """
        Junior Data Scientist, Demand Forecasting

        Do you like seeing your models change what ends up on shelves? Our supply chain team
        forecasts demand for 40,000 products every night, and we want a junior data scientist
        to help improve those forecasts.

        What you will do
        - Build and evaluate time series models (ARIMA, Prophet, gradient boosted trees) in
          Python.
        - Prototype on a sample in pandas, then scale the features up on Spark.
        - Explain forecast errors to planners using plain language and simple charts.
        - Help us spark better conversations between the data team and the buyers.

        What we look for
        - A degree in statistics, operations research, economics or physics.
        - Good working knowledge of SQL and of Excel for quick checks.
        - Curiosity about optimisation: where forecasts end and ordering decisions begin.
        - Exposure to AWS, Airflow or Julia is nice but not required.
        """,
        {
            "airflow", "apache-spark", "aws", "excel", "gradient-boosting", "julia",
            "mathematical-optimisation", "pandas", "python", "sql", "statistics", "time-series",
        },
    ),
    "data-engineer-azure-dotnet": (
        """
        Data Engineer (Azure)

        A logistics company with a mature .NET estate is building its first modern data
        platform, and we need a hands-on engineer to lay the foundations.

        Responsibilities
        - Move data from SQL Server and a handful of C# services into Azure Data Lake and
          Databricks.
        - Build batch and streaming data jobs with PySpark and Delta Lake.
        - Set up CI/CD for the platform with Azure DevOps and infrastructure as code (Terraform
          or Bicep).
        - Work with analysts on Power BI datasets and a clean data model.

        Requirements
        - Solid SQL and Python; some Java or Scala helps, as does the odd bit of JavaScript for
          internal tools.
        - Experience with Kafka or Azure Event Hubs for streaming data.
        - Understanding of data governance and access control.
        - A calm approach to legacy systems and the people who built them.
        """,
        {
            "apache-spark", "azure", "ci-cd", "csharp", "data-governance", "data-lakes",
            "databricks", "dotnet", "java", "javascript", "kafka", "power-bi", "python", "scala",
            "sql", "sql-server", "stream-processing", "terraform",
        },
    ),
}  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), JOB_POSTINGS.values(), ids=JOB_POSTINGS.keys())
def test_extract_job_posting(matcher: SkillMatcher, text: str, expected: set[str]) -> None:
    extracted = matcher.extract(text)
    assert extracted == sorted(expected)


def test_job_postings_have_a_realistic_length() -> None:
    word_counts = {name: len(text.split()) for name, (text, _) in JOB_POSTINGS.items()}
    assert {name: count for name, count in word_counts.items() if not 80 <= count <= 300} == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # R: the language, not the letter.
        ("Experience with Python or R.", {"python", "r"}),
        ("Strong command of R is required", {"r"}),
        ("R, Julia and MATLAB", {"julia", "matlab", "r"}),
        ("Our R&D team", set()),
        ("Send your application to R. Smith.", set()),
        ("as described in Section R of the handbook", set()),
        ("any r value above 0.8", set()),
        # Go: the language, not the verb.
        ("experience with Go or Rust", {"go", "rust"}),
        ("services written in Go", {"go"}),
        ("Golang microservices", {"go", "microservices"}),
        ("you will go to meetings", set()),
        ("Go beyond the obvious.", set()),
        ("a Go-to-market plan", set()),
        # Excel: the product, not the verb.
        ("you will excel at explaining numbers", set()),
        ("Excel at building trust with clients.", set()),
        ("Advanced Excel skills", {"excel"}),
        ("reports in Microsoft Excel", {"excel"}),
        # Spark: the engine, not the word.
        ("jobs running on Spark", {"apache-spark"}),
        ("sparkling water and a chance to spark ideas", set()),
        ("Spark joy in your team.", set()),
        # C and friends.
        ("C/C++ development", {"c", "cpp"}),
        ("embedded C and CUDA", {"c", "cuda"}),
        ("C# and .NET, not ASP.NET", {"csharp", "dotnet"}),
        ("a Series C startup talking to the C-suite", set()),
        # Java is not JavaScript.
        ("JavaScript only", {"javascript"}),
        ("Java and JavaScript", {"java", "javascript"}),
        # Aliases and spellings.
        ("scikit-learn, Scikit Learn, scikit_learn or sklearn", {"scikit-learn"}),
        ("k8s, postgres and torch", {"kubernetes", "postgresql", "pytorch"}),
        ("Machine-Learning and machine\nlearning", {"machine-learning"}),
        ("CI/CD pipelines and A/B testing", {"ab-testing", "ci-cd"}),
        # Overlapping names: a mention counts unless it lies inside a longer one.
        ("streaming data pipelines", {"data-pipelines", "stream-processing"}),
        (
            "SQL Server, Node.js and operations research",
            {"mathematical-optimisation", "nodejs", "sql-server"},
        ),
        ("", set()),
    ],
)
def test_extract_ambiguous_and_spelled_names(
    matcher: SkillMatcher, text: str, expected: set[str]
) -> None:
    assert matcher.extract(text) == sorted(expected)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Scikit-Learn", "scikit-learn"),
        ("scikit learn", "scikit-learn"),
        ("SKLEARN", "scikit-learn"),
        ("  PyTorch ", "pytorch"),
        ("torch", "pytorch"),
        ("spark", "apache-spark"),
        ("PySpark", "apache-spark"),
        ("apache_spark", "apache-spark"),
        ("k8s", "kubernetes"),
        ("Postgres", "postgresql"),
        ("mongo", "mongodb"),
        ("js", "javascript"),
        ("C++", "cpp"),
        ("c#", "csharp"),
        ("C", "c"),
        ("r", "r"),
        ("go", "go"),
        ("golang", "go"),
        ("Node.js", "nodejs"),
        ("node js", "nodejs"),
        (".NET", "dotnet"),
        ("Data Visualization", "data-visualisation"),
        ("dataviz", "data-visualisation"),
        ("business acumen", "business-sense"),
        ("custom optimization", "custom-optimisation"),
        ("optimizers", "custom-optimisation"),
        ("DSA", "algorithms-data-structures"),
        ("data structures and algorithms", "algorithms-data-structures"),
        ("bash", "linux-command-line"),
        ("linux", "linux-command-line"),
        ("data cleaning", "data-preparation"),
        ("data prep", "data-preparation"),
        ("data wrangling", "data-preparation"),
        ("ML DevOps", "mlops"),
        ("mlops", "mlops"),
        ("networking", "professional-networking"),
        ("google cloud", "gcp"),
        ("apache airflow", "airflow"),
        ("A/B testing", "ab-testing"),
        ("CI/CD", "ci-cd"),
    ],
)
def test_resolve_known_names(matcher: SkillMatcher, name: str, slug: str) -> None:
    assert matcher.resolve(name) == slug


@pytest.mark.parametrize("name", ["", "   ", "cobol", "c+", "scikitlearn", "data"])
def test_resolve_unknown_names(matcher: SkillMatcher, name: str) -> None:
    assert matcher.resolve(name) is None


@pytest.mark.parametrize(
    ("typo", "best"),
    [("pytorh", "PyTorch"), ("Tensorflw", "TensorFlow"), ("kubernets", "Kubernetes")],
)
def test_closest_suggests_the_intended_name_first(
    matcher: SkillMatcher, typo: str, best: str
) -> None:
    assert matcher.closest(typo)[0] == best


def test_closest_gives_at_most_limit_names_of_distinct_skills(matcher: SkillMatcher) -> None:
    suggestions = matcher.closest("postgress", limit=2)
    assert 1 <= len(suggestions) <= 2
    assert suggestions[0] in {"postgres", "PostgreSQL"}
    assert len({matcher.resolve(name) for name in suggestions}) == len(suggestions)


def test_closest_returns_nothing_for_nonsense(matcher: SkillMatcher) -> None:
    assert matcher.closest("qwxzjv") == []


def test_matcher_rejects_a_name_shared_by_two_skills() -> None:
    with pytest.raises(ValueError, match="names both"):
        SkillMatcher({"scikit-learn": ["scikit-learn"], "other": ["Scikit Learn"]})


def test_matcher_rejects_a_blank_name() -> None:
    with pytest.raises(ValueError, match="blank"):
        SkillMatcher({"python": ["Python", " - "]})


def test_normalise_skill_name() -> None:
    assert normalise_skill_name(" Scikit-Learn ") == "scikit learn"
    assert normalise_skill_name("scikit__learn") == "scikit learn"
    assert normalise_skill_name("Node.js") == "node js"
    assert normalise_skill_name(".NET") == ".net"
    assert normalise_skill_name("C++") == "c++"


# Integrity of the reference data.


def test_taxonomy_shape(taxonomy: dict[str, Any]) -> None:
    assert set(taxonomy) == {"skills", "backgrounds", "roles"}
    for skill in taxonomy["skills"]:
        assert set(skill) == {"slug", "name", "category", "aliases"}, skill
    for background in taxonomy["backgrounds"]:
        assert set(background) == {"slug", "name"}, background
    for role in taxonomy["roles"]:
        assert set(role) == {"slug", "name", "description", "requirements", "milestones"}, role
        for requirement in role["requirements"]:
            assert set(requirement) == {"skill", "importance", "level"}, requirement
        for milestone in role["milestones"]:
            assert set(milestone) == {"key", "title", "description", "due_offset_days"}


@pytest.mark.parametrize("section", ["skills", "backgrounds", "roles"])
def test_slugs_are_well_formed_and_unique(taxonomy: dict[str, Any], section: str) -> None:
    slugs = [item["slug"] for item in taxonomy[section]]
    assert [slug for slug in slugs if not SLUG.fullmatch(slug)] == []
    assert [slug for slug, count in Counter(slugs).items() if count > 1] == []
    assert all(item["name"].strip() for item in taxonomy[section])


def test_skill_catalogue(taxonomy: dict[str, Any]) -> None:
    skills = taxonomy["skills"]
    assert len(skills) >= 110
    assert {skill["category"] for skill in skills} <= CATEGORIES
    assert REQUIRED_SKILLS - {skill["slug"] for skill in skills} == set()


def test_aliases_are_distinct_from_every_other_name(taxonomy: dict[str, Any]) -> None:
    owners: dict[str, list[str]] = {}
    for skill in taxonomy["skills"]:
        for name in [skill["name"], *skill["aliases"]]:
            owners.setdefault(normalise_skill_name(name), []).append(skill["slug"])
    # Each name, once normalised, belongs to one skill and appears once there (no alias
    # repeats the skill's own name).
    assert {name: slugs for name, slugs in owners.items() if len(slugs) > 1} == {}


def test_slugs_can_be_typed_as_names(taxonomy: dict[str, Any]) -> None:
    # The API accepts a slug wherever a skill name is expected, so no slug may name another skill.
    names = {slug: [*names, slug] for slug, names in vocabulary(taxonomy).items()}
    matcher = SkillMatcher(names)
    assert [slug for slug in names if matcher.resolve(slug) != slug] == []


def test_backgrounds(taxonomy: dict[str, Any]) -> None:
    assert BACKGROUNDS - {background["slug"] for background in taxonomy["backgrounds"]} == set()


def test_roles_are_the_five_problem_classes(taxonomy: dict[str, Any]) -> None:
    roles = taxonomy["roles"]
    assert {role["slug"] for role in roles} == ROLES
    assert len(roles) == len(ROLES)
    assert all(role["description"].strip() for role in roles)


@pytest.mark.parametrize("role_slug", sorted(ROLES))
def test_role_requirements(taxonomy: dict[str, Any], role_slug: str) -> None:
    skills = {skill["slug"] for skill in taxonomy["skills"]}
    (role,) = (role for role in taxonomy["roles"] if role["slug"] == role_slug)
    requirements = role["requirements"]
    assert 8 <= len(requirements) <= 14
    required = [requirement["skill"] for requirement in requirements]
    assert len(set(required)) == len(required)
    assert set(required) <= skills
    assert all(requirement["importance"] in {1, 2, 3} for requirement in requirements)
    assert all(requirement["level"] in {1, 2, 3, 4, 5} for requirement in requirements)


@pytest.mark.parametrize("role_slug", sorted(ROLES))
def test_role_milestones(taxonomy: dict[str, Any], role_slug: str) -> None:
    (role,) = (role for role in taxonomy["roles"] if role["slug"] == role_slug)
    milestones = role["milestones"]
    keys = [milestone["key"] for milestone in milestones]
    offsets = [milestone["due_offset_days"] for milestone in milestones]
    assert len(milestones) == 6
    assert len(set(keys)) == len(keys)
    assert all(SLUG.fullmatch(key) for key in keys)
    assert offsets[0] > 0
    assert all(earlier < later for earlier, later in pairwise(offsets))
    assert offsets[-1] == 42
    assert any(key.startswith("deploy") for key in keys)
    assert "write-up" in keys
    assert all(milestone["title"].strip() for milestone in milestones)
    assert all(milestone["description"].strip() for milestone in milestones)


def test_data_scientist_milestones(taxonomy: dict[str, Any]) -> None:
    (role,) = (role for role in taxonomy["roles"] if role["slug"] == "data-scientist")
    milestones = [(m["key"], m["due_offset_days"]) for m in role["milestones"]]
    assert milestones == DATA_SCIENTIST_MILESTONES
