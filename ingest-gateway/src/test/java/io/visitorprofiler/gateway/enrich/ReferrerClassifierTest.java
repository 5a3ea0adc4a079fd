package io.visitorprofiler.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.visitorprofiler.schemas.Campaign;
import io.visitorprofiler.schemas.ReferrerClass;
import io.visitorprofiler.schemas.TrafficSource;
import org.junit.jupiter.api.Test;

/** Classifying where a visit came from by its referrer and landing page. */
class ReferrerClassifierTest {
  private static final String PAGE = "https://shop.example/products/cups";

  private final ReferrerClassifier classifier = new ReferrerClassifier();

  @Test
  void theRegistrablePartIsTheLastTwoLabelsOrThreeAfterAShortCountrySuffix() {
    assertThat(ReferrerClassifier.registrable("localhost")).isEqualTo("localhost");
    assertThat(ReferrerClassifier.registrable("shop.example")).isEqualTo("shop.example");
    assertThat(ReferrerClassifier.registrable("www.shop.example")).isEqualTo("shop.example");
    assertThat(ReferrerClassifier.registrable("a.b.shop.example")).isEqualTo("shop.example");
    assertThat(ReferrerClassifier.registrable("shop.co.uk")).isEqualTo("shop.co.uk");
    assertThat(ReferrerClassifier.registrable("www.shop.co.uk")).isEqualTo("shop.co.uk");
    assertThat(ReferrerClassifier.registrable("m.www.shop.com.au")).isEqualTo("shop.com.au");
    assertThat(ReferrerClassifier.registrable("blog.shop.de")).isEqualTo("shop.de");
    assertThat(ReferrerClassifier.registrable("blog.x.io")).isEqualTo("blog.x.io");
    assertThat(ReferrerClassifier.registrable("www.blog.x.io")).isEqualTo("blog.x.io");
  }

  @Test
  void aGoogleSearchIsSearchWithItsKeywords() {
    TrafficSource source =
        classifier.classify(PAGE, "https://www.google.com/search?q=yoga+pants&hl=en");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.SEARCH);
    assertThat(source.getSearchEngine()).isEqualTo("Google");
    assertThat(source.getSearchKeywords()).isEqualTo("yoga pants");
    assertThat(source.getReferrerDomain()).isEqualTo("google.com");
    assertThat(source.getReferrerUrl())
        .isEqualTo("https://www.google.com/search?q=yoga+pants&hl=en");
    assertThat(source.getCampaign()).isNull();
  }

  @Test
  void aCountryGoogleIsGoogle() {
    TrafficSource source =
        classifier.classify(PAGE, "https://www.google.co.uk/search?q=steel%20cups");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.SEARCH);
    assertThat(source.getSearchEngine()).isEqualTo("Google");
    assertThat(source.getSearchKeywords()).isEqualTo("steel cups");
  }

  @Test
  void aSearchReferrerWithoutKeywordsIsStillSearch() {
    TrafficSource source = classifier.classify(PAGE, "https://www.google.com/");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.SEARCH);
    assertThat(source.getSearchEngine()).isEqualTo("Google");
    assertThat(source.getSearchKeywords()).isNull();
  }

  @Test
  void bingIsSearch() {
    TrafficSource source =
        classifier.classify(PAGE, "https://www.bing.com/search?q=stainless+cups&form=QBLH");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.SEARCH);
    assertThat(source.getSearchEngine()).isEqualTo("Bing");
    assertThat(source.getSearchKeywords()).isEqualTo("stainless cups");
  }

  @Test
  void anEngineAnswersOnItsHostsSubdomainsButNotOnLookAlikes() {
    assertThat(classifier.classify(PAGE, "https://cn.bing.com/search?q=a").getSearchEngine())
        .isEqualTo("Bing");
    assertThat(classifier.classify(PAGE, "https://yandex.com.tr/search?text=a").getSearchEngine())
        .isEqualTo("Yandex");
    assertThat(classifier.classify(PAGE, "https://www.yahoo.co.jp/?p=a").getSearchEngine())
        .isEqualTo("Yahoo");
    // Matching two engines, the first of the list wins.
    assertThat(classifier.classify(PAGE, "https://google.bing.com/?q=a").getSearchEngine())
        .isEqualTo("Google");
    for (String other :
        new String[] {
          "https://notbing.com/?q=a",
          "https://bing.com.example/?q=a",
          "https://news.google.com/?q=a",
          "https://yahoo.com/?p=a",
          "https://localhost/?q=a"
        }) {
      TrafficSource source = classifier.classify(PAGE, other);
      assertThat(source.getSearchEngine()).as(other).isNull();
      assertThat(source.getReferrerClass()).as(other).isNotEqualTo(ReferrerClass.SEARCH);
    }
  }

  @Test
  void yahooKeywordsAreInP() {
    TrafficSource source =
        classifier.classify(PAGE, "https://search.yahoo.com/search?p=yoga+mat&fr=yfp");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.SEARCH);
    assertThat(source.getSearchEngine()).isEqualTo("Yahoo");
    assertThat(source.getSearchKeywords()).isEqualTo("yoga mat");
  }

  @Test
  void facebookIsSocial() {
    TrafficSource source = classifier.classify(PAGE, "https://www.facebook.com/");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.SOCIAL);
    assertThat(source.getReferrerDomain()).isEqualTo("facebook.com");
    assertThat(source.getSearchEngine()).isNull();
  }

  @Test
  void aSubdomainOfASocialNetworkIsSocial() {
    TrafficSource source =
        classifier.classify(PAGE, "https://l.facebook.com/l.php?u=https%3A%2F%2Fshop.example%2F");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.SOCIAL);
    assertThat(source.getReferrerDomain()).isEqualTo("l.facebook.com");
  }

  @Test
  void aShortLinkDomainIsSocial() {
    assertThat(classifier.classify(PAGE, "https://t.co/abc123").getReferrerClass())
        .isEqualTo(ReferrerClass.SOCIAL);
  }

  @Test
  void theSameSiteWithAndWithoutWwwIsInternal() {
    TrafficSource source =
        classifier.classify("https://www.shop.example/cart", "https://shop.example/products");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.INTERNAL);
    assertThat(source.getReferrerDomain()).isEqualTo("shop.example");
  }

  @Test
  void aSubdomainOfTheSameSiteIsInternal() {
    TrafficSource source =
        classifier.classify("https://shop.example.com/cart", "https://blog.example.com/post/1");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.INTERNAL);
  }

  @Test
  void aSubdomainOfTheSameSiteUnderCoUkIsInternal() {
    TrafficSource source =
        classifier.classify("https://shop.example.co.uk/cart", "https://blog.example.co.uk/post/1");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.INTERNAL);
  }

  @Test
  void twoSitesUnderCoUkAreNotTheSameSite() {
    TrafficSource source =
        classifier.classify("https://www.alpha.co.uk/", "https://www.beta.co.uk/");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.REFERRAL);
  }

  @Test
  void anInternalReferrerWinsOverCampaignTags() {
    TrafficSource source =
        classifier.classify(
            "https://shop.example/?utm_source=newsletter&utm_medium=email",
            "https://shop.example/home");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.INTERNAL);
  }

  @Test
  void noReferrerIsDirect() {
    TrafficSource source = classifier.classify(PAGE, null);

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.DIRECT);
    assertThat(source.getReferrerUrl()).isNull();
    assertThat(source.getReferrerDomain()).isNull();
    assertThat(source.getCampaign()).isNull();
    assertThat(classifier.classify(PAGE, "  ").getReferrerClass()).isEqualTo(ReferrerClass.DIRECT);
  }

  @Test
  void anEmailCampaignIsEmail() {
    TrafficSource source =
        classifier.classify(
            "https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=Black-Friday",
            null);

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.EMAIL);
    assertThat(source.getCampaign())
        .isEqualTo(new Campaign("newsletter", "email", "Black-Friday", null, null));
  }

  @Test
  void aPaidSocialCampaignIsCampaignWithLowerCasedSourceAndMedium() {
    TrafficSource source =
        classifier.classify(
            "https://shop.example/?utm_source=Facebook&utm_medium=CPC&utm_campaign=Spring_Sale"
                + "&utm_term=Yoga+Pants&utm_content=Ad-B",
            "https://www.facebook.com/");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.CAMPAIGN);
    assertThat(source.getReferrerDomain()).isEqualTo("facebook.com");
    Campaign campaign = source.getCampaign();
    assertThat(campaign.getSource()).isEqualTo("facebook");
    assertThat(campaign.getMedium()).isEqualTo("cpc");
    assertThat(campaign.getName()).isEqualTo("Spring_Sale");
    assertThat(campaign.getTerm()).isEqualTo("Yoga Pants");
    assertThat(campaign.getContent()).isEqualTo("Ad-B");
  }

  @Test
  void anAdClickIdIsCampaign() {
    TrafficSource source =
        classifier.classify("https://shop.example/?gclid=EAIaIQobChMI", "https://www.google.com/");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.CAMPAIGN);
    assertThat(source.getCampaign()).isNull();
    assertThat(source.getSearchEngine()).isEqualTo("Google");
  }

  @Test
  void anAdClickIdWithoutReferrerIsCampaign() {
    assertThat(classifier.classify("https://shop.example/?msclkid=abc", null).getReferrerClass())
        .isEqualTo(ReferrerClass.CAMPAIGN);
  }

  @Test
  void webmailIsEmail() {
    TrafficSource gmail = classifier.classify(PAGE, "https://mail.google.com/");

    assertThat(gmail.getReferrerClass()).isEqualTo(ReferrerClass.EMAIL);
    assertThat(gmail.getSearchEngine()).isNull();
    assertThat(classifier.classify(PAGE, "https://outlook.live.com/").getReferrerClass())
        .isEqualTo(ReferrerClass.EMAIL);
  }

  @Test
  void anUnknownSiteIsReferral() {
    TrafficSource source = classifier.classify(PAGE, "https://someblog.example.org/post/42");

    assertThat(source.getReferrerClass()).isEqualTo(ReferrerClass.REFERRAL);
    assertThat(source.getReferrerDomain()).isEqualTo("someblog.example.org");
    assertThat(source.getSearchEngine()).isNull();
    assertThat(source.getSearchKeywords()).isNull();
  }

  @Test
  void aGarbageReferrerDoesNotThrowAndCountsAsDirect() {
    for (String garbage :
        new String[] {
          "not a url", "http://[::1", "%%%", "javascript:alert(1)", "https://", "://x", "\u0000"
        }) {
      assertThatCode(() -> classifier.classify(PAGE, garbage))
          .as(garbage)
          .doesNotThrowAnyException();
      assertThat(classifier.classify(PAGE, garbage).getReferrerClass())
          .as(garbage)
          .isEqualTo(ReferrerClass.DIRECT);
    }
  }

  @Test
  void aGarbagePageUrlDoesNotThrow() {
    assertThatCode(() -> classifier.classify("::::", "https://www.google.com/search?q=%zz"))
        .doesNotThrowAnyException();
    assertThat(classifier.classify(null, null).getReferrerClass()).isEqualTo(ReferrerClass.DIRECT);
  }

  @Test
  void longKeywordsAreCapped() {
    String keywords = "a".repeat(1000);

    TrafficSource source = classifier.classify(PAGE, "https://www.google.com/search?q=" + keywords);

    assertThat(source.getSearchKeywords()).hasSize(256);
  }
}
